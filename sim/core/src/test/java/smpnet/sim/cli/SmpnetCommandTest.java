package smpnet.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SmpnetCommandTest {
    private ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return SmpnetCommand.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() { return out.toString(StandardCharsets.UTF_8); }

    private String err() { return err.toString(StandardCharsets.UTF_8); }

    /** The registered commands, by name, as {@code help} lists them. */
    private static List<String> commandNames() {
        Map<String, CommandLine> subs = SmpnetCommand.commandLine(System.out, System.err).getSubcommands();
        List<String> names = new ArrayList<>(subs.keySet());
        names.remove("help");
        return names;
    }

    @Test
    void everyCommandHasHelpThatNamesItAndSucceeds() {
        List<String> names = commandNames();
        assertTrue(names.containsAll(List.of("run", "bench-udp", "scenario", "compare", "seeded", "seeded-cost", "sysctl", "packetdrill")), names.toString());
        for (String name : names) {
            for (String flag : List.of("--help", "-h")) {
                assertEquals(0, run(name, flag), name + " " + flag + ": " + err());
                assertTrue(out().startsWith("Usage: smpnet " + name + " [-h]"), name + ": " + out());
                assertTrue(out().contains("  -h, --help "), name + ": " + out());
                assertEquals("", err(), name);
            }
            assertEquals(0, run("help", name));
            assertTrue(out().startsWith("Usage: smpnet " + name + " [-h]"), name + ": " + out());
        }
    }

    @Test
    void everyCommandRejectsAnUnknownOptionWithPicocliUsage() {
        Map<String, CommandLine> subs = SmpnetCommand.commandLine(System.out, System.err).getSubcommands();
        for (String name : commandNames()) {
            // A command's required parameters are given, so that the unknown option is the only fault.
            List<String> args = new ArrayList<>(List.of(name, "--zzz"));
            subs.get(name).getCommandSpec().positionalParameters().stream().filter(p -> p.arity().min() > 0).forEach(p -> args.add("x"));
            assertEquals(SmpnetCommand.USAGE, run(args.toArray(String[]::new)), name);
            assertTrue(err().startsWith("Unknown option: '--zzz'\nUsage: smpnet " + name + " [-h]"),
                    name + ": " + err());
            assertEquals("", out(), name);
        }
    }

    @Test
    void noCommandOrOptionsFirstMeanTheMainJob() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("Usage: smpnet run [-h] "), out());
        assertTrue(out().contains("      --payloads=LIST     UDP payload sizes in bytes, comma-separated, 16..1472\n"), out());
        assertTrue(out().contains("\nDefaults: --forks 3 --runs 2 --seconds 1.0 --warmup 2.5 --payloads 64 --out\n"), out());
        assertEquals(SmpnetCommand.USAGE, run("--fast"));
        assertTrue(err().startsWith("Unknown option: '--fast'\nUsage: smpnet run [-h] "), err());
    }

    @Test
    void helpListsEveryCommand() {
        assertEquals(0, run("help"));
        assertTrue(out().startsWith("Usage: smpnet [-h] [COMMAND]\n"), out());
        for (String name : commandNames()) assertTrue(out().contains("\n  " + name + " "), name + ": " + out());
    }

    @Test
    void unknownCommandIsAUsageErrorWithASuggestion() {
        assertEquals(SmpnetCommand.USAGE, run("sysctls"));
        assertTrue(err().startsWith("Unmatched argument at index 0: 'sysctls'\nDid you mean: smpnet sysctl"), err());
    }

    @Test
    void badValuesNameTheOptionAndTheRange() {
        assertEquals(SmpnetCommand.USAGE, run("bench-udp", "--payloads", "64,9000"));
        assertTrue(err().startsWith("--payloads must be between 16 and 1472, not 9000\nUsage: smpnet bench-udp "), err());
        assertEquals(SmpnetCommand.USAGE, run("--runs"));
        assertTrue(err().startsWith("Missing required parameter for option '--runs' (N)\nUsage: smpnet run "), err());
        assertEquals(SmpnetCommand.USAGE, run("--runs", "two"));
        assertTrue(err().startsWith("Invalid value for option '--runs': 'two' is not an int\n"), err());
        assertEquals(SmpnetCommand.USAGE, run("--runs", "1", "--runs", "2"));
        assertTrue(err().startsWith("option '--runs' (N) should be specified only once\n"), err());
        assertEquals(SmpnetCommand.USAGE, run("--seconds", "NaN"));
        assertTrue(err().startsWith("--seconds must be between 0.05 and 600.0 seconds, not NaN\n"), err());
    }

    @Test
    void seededRunsAScenarioFromItsSeedAndRejectsBadOptions() {
        // A passing scenario: a failing run in this JVM would leave its unwound threads' witness reports behind.
        assertEquals(0, run("seeded", "--scenario", "hosts", "--seed", "1"));
        assertTrue(out().startsWith("seeded run: scenario hosts ("), out());
        assertTrue(out().contains("\nseed 1: ok, "), out());
        assertEquals(SmpnetCommand.USAGE, run("seeded", "--scenario", "tcp-bulk"));
        assertTrue(err().startsWith("unknown scenario: tcp-bulk (one of hosts, udp-blast, udp-rpc, planted-lor)\n"
                + "Usage: smpnet seeded "), err());
        assertEquals(SmpnetCommand.USAGE, run("seeded", "--explore", "0"));
        assertTrue(err().startsWith("--explore must be between 1 and 1000000, not 0\n"), err());
        assertEquals(SmpnetCommand.USAGE, run("seeded-cost", "--mode", "coarse"));
        assertTrue(err().startsWith("--mode must be fine, giant or giant-over-fine, not 'coarse'\nUsage: smpnet seeded-cost "),
                err());
    }

    @Test
    void seededHelpListsTheScenarios() {
        assertEquals(0, run("seeded", "--help"));
        assertTrue(out().contains("\nScenarios (--scenario):\n  hosts        three hosts"), out());
        assertTrue(out().contains("udp-rpc      timer-bound: 100 requests over a link with 1 ms latency and 10%"), out());
    }

    @Test
    void sysctlPrintsADefaultHostsSettingsByName() {
        assertEquals(0, run("sysctl", "net.inet.udp.recvspace", "kern.ipc.maxsockbuf"));
        assertEquals("net.inet.udp.recvspace: 42080\nkern.ipc.maxsockbuf: 2097152\n", out());
        assertEquals(0, run("sysctl"));
        assertTrue(out().contains("\nnet.inet.ip.maxfragpackets: 256\n"), out());
        assertEquals(SmpnetCommand.USAGE, run("sysctl", "net.inet.nope"));
        assertTrue(err().startsWith("unknown sysctl net.inet.nope\nUsage: smpnet sysctl "), err());
    }

    @Test
    void tinyRunInAChildJvmWritesItsResults(@TempDir Path dir) throws Exception {
        int rc = run("--runs", "1", "--seconds", "0.1", "--warmup", "0", "--modes", "fine", "--cpus", "1",
                "--no-kernel", "--no-profile", "--no-chart", "--out", dir.toString());
        assertEquals(0, rc, out() + err());
        assertTrue(out().contains("[1/1] fine 1cpu 64B, "), out());
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(2, csv.size(), csv.toString());
        assertTrue(csv.get(1).startsWith("fine,1,64,"), csv.get(1));
        assertTrue(csv.get(1).contains(",true,"), "accounting balanced: " + csv.get(1));
        assertEquals(List.of(smpnet.sim.bench.reports.ResultFiles.LOCKS_HEADER), Files.readAllLines(dir.resolve("locks.csv")));
    }

    @Test
    void tapLetsLinuxPingTheHostAndRemovesItsNamespace() throws Exception {
        smpnet.stack.testing.TapTests.requireTap();
        assertEquals(0, run("tap", "--address", "10.231.10.1/24", "--peer", "10.231.10.2/24", "--ping", "2"), out() + err());
        assertTrue(out().contains("2 packets transmitted, 2 received, 0% packet loss"), out());
        String ns = out().lines().filter(l -> l.startsWith("reach it with: ip netns exec ")).findFirst().orElseThrow()
                .split(" ")[6];
        assertTrue(ns.startsWith("smpnet-" + ProcessHandle.current().pid() + "-"), ns);
        assertTrue(!smpnet.stack.internal.os.NetNamespace.list().contains(ns), "the namespace is removed on exit");
        assertEquals(SmpnetCommand.USAGE, run("tap", "--ping", "0"));
        assertTrue(err().startsWith("--ping must be between 1 and 10000, not 0\nUsage: smpnet tap "), err());
    }
}
