package smpnet.sim.packetdrill;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import smpnet.sim.packetdrill.Outcome.Kind;
import smpnet.sim.packetdrill.Script.CommandEvent;
import smpnet.stack.socket.TcpState;

/**
 * The shell commands of a script (its backquoted lines), run on the script's thread against the {@link Target}:
 * {@code sysctl -w NAME=VALUE}, and what FreeBSD's tcp-testsuite runs: {@code sockstat ... | grep -c STATE |
 * grep N}, {@code tcpdrop -s STATE}, TCP-MD5 keys by {@code echo '...' | setkey -c} and {@code setkey -F}, and
 * {@code kldstat -q -m tcpmd5 || kldload tcpmd5} (TCP-MD5 is part of the stack: nothing to load). Any other
 * command, or one the target refuses, fails the script ({@link Kind#COMMAND}).
 *
 * @param calls the script's system calls, whose open sockets {@code sockstat} counts
 * @param settle lets the host finish what a command started at this instant (the execution's settle)
 */
record Commands(Target target, Syscalls calls, Runnable settle) {

    /**
     * Runs the command line of {@code c}: commands separated by {@code ;}, a newline or {@code &&}, each in
     * turn. Throws {@link ScriptFailure} at the first that fails, its message {@code where} and what went wrong.
     */
    void run(CommandEvent c, String where) {
        String command = c.command();
        Matcher setkey = SETKEY_INPUT.matcher(command);
        if (setkey.find()) { // echo '...' | setkey -c: the statements go to setkey, the rest stays for below
            String problem = setkeyStatements(setkey.group(1));
            if (problem != null) throw new ScriptFailure(Kind.COMMAND, c.line(), where + problem);
            command = command.substring(0, setkey.start()) + command.substring(setkey.end());
        }
        for (String part : command.split("[;\n]|&&")) {
            String cmd = part.strip();
            if (cmd.isEmpty()) continue;
            String[] w = cmd.split("\\s+");
            String problem;
            if (cmd.equals("kldstat -q -m tcpmd5 || kldload tcpmd5") || cmd.equals("kldload tcpmd5")) {
                problem = null; // TCP-MD5 is part of the stack: no module to load
            } else if (cmd.equals("setkey -F")) {
                problem = setkeyFlush();
            } else if (w[0].equals("sockstat")) {
                problem = sockstat(cmd);
            } else if (w[0].equals("tcpdrop")) {
                problem = tcpdrop(w);
            } else if (w[0].equals("sysctl")) {
                problem = sysctl(w);
            } else {
                problem = "only `sysctl -w NAME=VALUE`, `sockstat ... | grep -c STATE | grep N`, `tcpdrop -s STATE`, "
                        + "`echo '...' | setkey -c` (TCP-MD5 keys), `setkey -F` and `kldstat -q -m tcpmd5 || kldload "
                        + "tcpmd5` are supported, found '" + cmd + "'";
            }
            if (problem != null) throw new ScriptFailure(Kind.COMMAND, c.line(), where + problem);
        }
    }

    /** {@code sysctl [-w] [-q] NAME=VALUE...}: each setting in turn. Returns what went wrong, or null. */
    private String sysctl(String[] w) {
        boolean any = false;
        for (int i = 1; i < w.length; i++) {
            if (w[i].equals("-w") || w[i].equals("-q")) continue;
            int eq = w[i].indexOf('=');
            if (eq <= 0) return "expected NAME=VALUE, found '" + w[i] + "'";
            try {
                target.sysctl(w[i].substring(0, eq), w[i].substring(eq + 1));
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            any = true;
        }
        return any ? null : "expected NAME=VALUE after sysctl";
    }

    /** {@code echo 'STATEMENTS' | setkey -c}: the statements. */
    private static final Pattern SETKEY_INPUT = Pattern.compile("echo\\s+'([^']*)'\\s*\\|\\s*setkey\\s+-c");
    /** setkey's {@code add SRC DST tcp SPI -A tcp-md5 "KEY"}, the only statement taken. */
    private static final Pattern SETKEY_ADD = Pattern.compile(
            "add\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s+tcp\\s+(0x[0-9a-fA-F]+|\\d+)\\s+-A\\s+tcp-md5\\s+\"([^\"]*)\"");

    /**
     * setkey(8)'s statements, as FreeBSD's tcp-testsuite gives TCP-MD5 keys: {@code add SRC DST tcp SPI -A
     * tcp-md5 "KEY"}, each a key for the segments from SRC to DST (the SPI is not kept). Returns what went
     * wrong, or null.
     */
    private String setkeyStatements(String statements) {
        for (String st : statements.split(";")) {
            String s = st.strip().replaceAll("\\s+", " ");
            if (s.isEmpty()) continue;
            Matcher m = SETKEY_ADD.matcher(s);
            if (!m.matches()) return "only setkey's `add SRC DST tcp SPI -A tcp-md5 \"KEY\"` is supported, found '" + s + "'";
            try {
                target.tcpMd5Add(ipv4(m.group(1)), ipv4(m.group(2)),
                        m.group(4).getBytes(StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /** {@code setkey -F}: removes every TCP-MD5 key. Returns what went wrong, or null. */
    private String setkeyFlush() {
        try {
            target.tcpMd5Flush();
        } catch (UnsupportedOperationException e) {
            return e.getMessage();
        }
        return null;
    }

    private static int ipv4(String dotted) {
        int ip = 0;
        for (String b : dotted.split("\\.")) {
            int v = Integer.parseInt(b);
            if (v > 255) throw new IllegalArgumentException("bad IPv4 address " + dotted);
            ip = ip << 8 | v;
        }
        return ip;
    }

    /**
     * FreeBSD's tcp-testsuite counts connections by state with {@code sockstat -4 -P tcp -s [-p 8080] [| grep
     * packetdril] | grep -c STATE | grep N}: the count of the script's open sockets in STATE (state names as
     * sockstat prints them, SYN_RCVD for SYN_RECEIVED), plus, without {@code grep packetdril}, the host's SYN
     * cache entries as SYN_RCVD (FreeBSD lists them in its pcblist). {@code -p} is not applied: every
     * connection of a script has port 8080 at one end. The last grep succeeds when the count's digits contain
     * N, as grep does. Returns what went wrong, or null.
     */
    private String sockstat(String cmd) {
        String[] stages = cmd.split("\\|");
        boolean ownedOnly = false;
        String state = null;
        String want = null;
        if (!stages[0].contains("-P tcp")) return "only `sockstat -P tcp ...` is supported";
        for (int i = 1; i < stages.length; i++) {
            String[] w = stages[i].strip().split("\\s+");
            if (w.length == 2 && w[0].equals("grep") && state == null) {
                ownedOnly = true; // grep packetdril: the script's own sockets
            } else if (w.length == 3 && w[0].equals("grep") && w[1].equals("-c") && state == null) {
                state = w[2];
            } else if (w.length == 2 && w[0].equals("grep") && want == null) {
                want = w[1];
            } else {
                return "expected `sockstat ... | grep -c STATE | grep N`, found '" + stages[i].strip() + "'";
            }
        }
        if (state == null || want == null) return "expected `sockstat ... | grep -c STATE | grep N`";
        int count = 0;
        for (ScriptSocket s : calls.openSockets()) {
            String name = s.info().state().name().replace("SYN_RECEIVED", "SYN_RCVD");
            if (name.equals(state)) count++;
        }
        if (!ownedOnly && state.equals("SYN_RCVD")) count += target.syncacheEntries();
        return Integer.toString(count).contains(want) ? null : count + " TCP sockets in " + state + ", not " + want;
    }

    /**
     * FreeBSD's {@code tcpdrop -s STATE} (state names as tcpdrop and sockstat print them, SYN_RCVD for
     * SYN_RECEIVED): drops the host's connections in that state (TIME_WAIT silently; others with a RST once a
     * SYN was received). Returns what went wrong, or null.
     */
    private String tcpdrop(String[] w) {
        if (w.length != 3 || !w[1].equals("-s")) return "only `tcpdrop -s STATE` is supported";
        TcpState state;
        try {
            state = TcpState.valueOf(w[2].equals("SYN_RCVD") ? "SYN_RECEIVED" : w[2]);
        } catch (IllegalArgumentException e) {
            return "unknown TCP state '" + w[2] + "'";
        }
        if (state == TcpState.LISTEN || state == TcpState.CLOSED) return "tcpdrop drops connections, not " + state;
        try {
            target.tcpDrop(state);
        } catch (UnsupportedOperationException e) {
            return e.getMessage();
        }
        settle.run();
        return null;
    }
}
