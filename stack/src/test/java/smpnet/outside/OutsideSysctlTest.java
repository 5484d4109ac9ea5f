package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;

/**
 * The settings as README.md's sysctl tables promise them: every name in the tables exists with the default
 * the table gives, listed by {@code sysctlAll()} as {@code sysctl -a} prints ("name: value", sorted), and
 * every kind of wrong use is an {@link IllegalArgumentException} that names the setting.
 */
class OutsideSysctlTest {
    /** A table row: its names (in backquotes, ".last" and bare names relative to the first) and defaults. */
    private static final Pattern ROW = Pattern.compile("^\\| (`[a-z][^|]*`) \\| ([^|]+) \\|", Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("`([a-z_.0-9]+)`");
    private Stack a;

    @AfterEach
    void closeHost() {
        if (a != null) a.close();
    }

    /** name -> default (null for "(config)"), from README.md's tables of settings. */
    static Map<String, String> readmeDefaults() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Map<String, String> out = new LinkedHashMap<>();
        Matcher row = ROW.matcher(readme);
        while (row.find()) {
            List<String> names = new ArrayList<>();
            Matcher n = NAME.matcher(row.group(1));
            while (n.find()) {
                String name = n.group(1);
                if (!names.isEmpty() && !name.startsWith("net.") && !name.startsWith("kern.")) {
                    String first = names.get(0);
                    String parent = first.substring(0, first.lastIndexOf('.'));
                    name = name.startsWith(".") ? parent + name : parent + "." + name;
                }
                names.add(name);
            }
            if (names.isEmpty() || !names.get(0).startsWith("net.") && !names.get(0).startsWith("kern.")) continue; // another table
            String[] defaults = row.group(2).trim().split(", ");
            for (int i = 0; i < names.size(); i++) {
                String d = defaults[Math.min(i, defaults.length - 1)].trim();
                out.put(names.get(i), d.equals("(config)") ? null : d);
            }
        }
        return out;
    }

    @Test
    void everySettingInTheReadmeTablesHasItsDefault() throws Exception {
        a = Stack.create(StackConfig.defaults("a"));
        Map<String, String> readme = readmeDefaults();
        assertTrue(readme.size() >= 40, "settings found in README.md's tables: " + readme.keySet());
        String all = a.sysctlAll();
        List<String> wrong = new ArrayList<>();
        readme.forEach((name, dflt) -> {
            int at = all.indexOf("\n" + name + ": ");
            if (at < 0 && !all.startsWith(name + ": ")) {
                wrong.add(name + ": not listed");
            } else if (dflt != null) {
                int from = all.indexOf(name + ": ") + name.length() + 2;
                String value = all.substring(from, all.indexOf('\n', from));
                if (!value.equals(dflt)) wrong.add(name + ": README " + dflt + ", host " + value);
            }
        });
        assertEquals(List.of(), wrong, "README.md's settings against sysctl -a");
    }

    @Test
    void sysctlAllIsSortedNameColonValue() {
        a = Stack.create(StackConfig.defaults("a"));
        List<String> lines = a.sysctlAll().lines().toList();
        assertTrue(lines.size() >= 40, lines.toString());
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).matches("[a-z][a-z0-9_.]+: \\S+"), lines.get(i));
            if (i > 0) assertTrue(lines.get(i - 1).compareTo(lines.get(i)) < 0, "sorted: " + lines.get(i));
        }
        for (String line : lines) {
            String name = line.substring(0, line.indexOf(':'));
            String value = line.substring(name.length() + 2);
            if (!value.matches("-?[0-9]+")) assertEquals(value, a.sysctlString(name), name);
            else assertEquals(Long.parseLong(value), a.sysctl(name), name);
        }
    }

    @Test
    void wrongUseNamesTheSetting() {
        a = Stack.create(StackConfig.defaults("a"));
        assertEquals("unknown sysctl net.inet.tcp.nosuch",
                assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.nosuch")).getMessage());
        assertEquals("unknown sysctl net.inet.tcp.nosuch",
                assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.nosuch", "x")).getMessage());
        assertEquals("sysctl net.inet.tcp.cc.algorithm is a string",
                assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.cc.algorithm")).getMessage());
        assertEquals("sysctl net.inet.tcp.msl is not a string",
                assertThrows(IllegalArgumentException.class, () -> a.sysctlString("net.inet.tcp.msl")).getMessage());
        IllegalArgumentException cc = assertThrows(IllegalArgumentException.class,
                () -> a.sysctl("net.inet.tcp.cc.algorithm", "vegas"));
        assertTrue(cc.getMessage().startsWith("sysctl net.inet.tcp.cc.algorithm: "), cc.getMessage());
        assertEquals("cubic", a.sysctlString("net.inet.tcp.cc.algorithm"));
        a.sysctl("net.inet.tcp.cc.algorithm", "newreno");
        assertEquals("newreno", a.sysctlString("net.inet.tcp.cc.algorithm"));
        IllegalArgumentException ecn = assertThrows(IllegalArgumentException.class,
                () -> a.sysctl("net.inet.tcp.ecn.enable", 3)); // FreeBSD's 0, 1 and 2 only
        assertEquals("sysctl net.inet.tcp.ecn.enable: 3 is outside [0, 2]", ecn.getMessage());
        assertEquals(2L, a.sysctl("net.inet.tcp.ecn.enable"), "FreeBSD's default: ECN when the peer asks");
        a.sysctl("net.inet.tcp.syncache.hashsize", 256); // a boot-time tunable, before start
        a.start();
        IllegalArgumentException boot = assertThrows(IllegalArgumentException.class,
                () -> a.sysctl("net.inet.tcp.syncache.hashsize", 128));
        assertTrue(boot.getMessage().startsWith("sysctl net.inet.tcp.syncache.hashsize is read-only"), boot.getMessage());
        assertEquals(256, a.sysctl("net.inet.tcp.syncache.hashsize"));
        assertEquals("sysctl name", assertThrows(NullPointerException.class, () -> a.sysctl(null, 1)).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class,
                () -> a.sysctl("net.inet.tcp.cc.algorithm", (String) null)).getMessage());
    }

    /** The attack bounds of README.md's "TCP under attack": defaults, bounds, and which may change once running. */
    @Test
    void attackBoundsReadBackAndRefuseWhatIsOutOfRange() {
        a = Stack.create(StackConfig.defaults("a"));
        Map<String, Long> defaults = new LinkedHashMap<>();
        defaults.put("net.inet.tcp.reass.maxqueuelen", 100L);
        defaults.put("net.inet.tcp.reass.maxsegments", 1024L);
        defaults.put("net.inet.tcp.sack.maxholes", 128L);
        defaults.put("net.inet.tcp.sack.globalmaxholes", 65536L);
        defaults.put("net.inet.tcp.ack_war_cnt", 5L);
        defaults.put("net.inet.tcp.ack_war_timewindow", 1000L);
        defaults.forEach((name, value) -> assertEquals(value, a.sysctl(name), name));
        for (String name : List.of("net.inet.tcp.reass.maxqueuelen", "net.inet.tcp.reass.maxsegments",
                "net.inet.tcp.sack.maxholes", "net.inet.tcp.sack.globalmaxholes")) {
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> a.sysctl(name, 0));
            assertTrue(zero.getMessage().startsWith("sysctl " + name + ": 0 is outside [1, "), zero.getMessage());
        }
        for (String name : List.of("net.inet.tcp.ack_war_cnt", "net.inet.tcp.ack_war_timewindow")) {
            IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> a.sysctl(name, -1));
            assertTrue(neg.getMessage().startsWith("sysctl " + name + ": -1 is outside [0, "), neg.getMessage());
            a.sysctl(name, 0); // FreeBSD's "no limit"
            assertEquals(0, a.sysctl(name), name);
        }
        assertEquals("sysctl net.inet.tcp.sack.maxholes: 65537 is outside [1, 65536]", assertThrows(
                IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.sack.maxholes", 65537)).getMessage());
        defaults.forEach((name, value) -> assertEquals(name.contains("ack_war") ? 0 : value, a.sysctl(name), name));
        a.sysctl("net.inet.tcp.reass.maxsegments", 2048); // boot-time: before start only
        a.start();
        IllegalArgumentException boot = assertThrows(IllegalArgumentException.class,
                () -> a.sysctl("net.inet.tcp.reass.maxsegments", 512));
        assertTrue(boot.getMessage().startsWith("sysctl net.inet.tcp.reass.maxsegments is read-only"), boot.getMessage());
        assertEquals(2048, a.sysctl("net.inet.tcp.reass.maxsegments"));
        for (String name : List.of("net.inet.tcp.reass.maxqueuelen", "net.inet.tcp.sack.maxholes",
                "net.inet.tcp.sack.globalmaxholes", "net.inet.tcp.ack_war_cnt", "net.inet.tcp.ack_war_timewindow")) {
            a.sysctl(name, 7); // at run time
            assertEquals(7, a.sysctl(name), name);
        }
    }
}
