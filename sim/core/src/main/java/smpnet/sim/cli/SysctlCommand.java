package smpnet.sim.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;

/** {@code sysctl}: the settings a host reads by their FreeBSD sysctl names, with a new host's values. */
@Command(name = "sysctl", 
        description = {"Prints the settings of a new host with the default configuration, by their sysctl names "
                + "(all of them, as 'sysctl -a', or the NAMEs given). A scenario file sets them by these names."})
public final class SysctlCommand extends Subcommand {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = {"sysctl names, e.g. net.inet.udp.recvspace"})
    List<String> names = List.of();

    @Override
    public Integer call() {
        try (Stack host = Stack.create(StackConfig.defaults("host"))) {
            if (names.isEmpty()) {
                out().print(host.sysctlAll());
                return 0;
            }
            for (String name : names) {
                long value;
                try {
                    value = host.sysctl(name);
                } catch (IllegalArgumentException e) {
                    throw Checks.usage(spec, e.getMessage());
                }
                out().println(name + ": " + value);
            }
            return 0;
        }
    }
}
