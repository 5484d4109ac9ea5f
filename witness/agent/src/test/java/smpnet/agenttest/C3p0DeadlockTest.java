package smpnet.agenttest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mchange.v2.c3p0.ComboPooledDataSource;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import smpnet.witness.Report;

/**
 * c3p0 0.9.5.5's deadlock between pool creation and a JMX read (c3p0 issue 95, "Deadlock when c3p0 pool's
 * attribute is queried via JMX and pool is being created", reported for 0.9.2.1 and 0.9.5.2 and still open;
 * metabase met it in production), found from one thread that never blocks.
 *
 * <p>The startup thread of the issue holds the {@code ComboPooledDataSource} (synchronized
 * {@code setConnectionPoolDataSource}) and fires a property change whose listener calls the synchronized
 * {@code DynamicPooledDataSourceManagerMBean.reinitialize}; the JMX thread holds the MBean (synchronized
 * {@code getAttribute}) and calls a synchronized getter of the data source. The opposite order is already
 * taken inside the constructor: the MBean's own constructor runs {@code reinitialize}, which reads the
 * synchronized {@code getDataSourceName}. So constructing one pool is enough for witness to see the cycle.
 */
class C3p0DeadlockTest {
    private static final String DATA_SOURCE = "com.mchange.v2.c3p0.ComboPooledDataSource";
    private static final String MBEAN = "com.mchange.v2.c3p0.management.DynamicPooledDataSourceManagerMBean";

    @Test
    void creatingAPoolReversesTheDataSourceAndItsMBean() throws Exception {
        try (Recorder rec = new Recorder()) {
            ComboPooledDataSource ds = new ComboPooledDataSource();
            try {
                List<Report> ours = rec.reports().stream().filter(r -> r.classes().contains(DATA_SOURCE))
                        .collect(Collectors.toList());
                assertEquals(1, ours.size(), ours.toString());
                Report r = ours.get(0);
                assertEquals(List.of(DATA_SOURCE, MBEAN), r.classes(), r.text());
                String text = r.text();
                // the JMX thread's order: the MBean held, then the data source (learned in the MBean's constructor)
                assertTrue(text.contains("  edge " + MBEAN + " -> " + DATA_SOURCE + " (EE), learned in thread \"main\":\n"
                        + "    com.mchange.v2.c3p0.impl.PoolBackedDataSourceBase.getDataSourceName(PoolBackedDataSourceBase.java:74)\n"), text);
                assertTrue(text.contains("    " + MBEAN + ".reinitialize(DynamicPooledDataSourceManagerMBean.java:250)\n"), text);
                // the startup thread's order, as in the thread dump
                assertTrue(text.contains("  reversing acquisition " + DATA_SOURCE + " -> " + MBEAN + " at:\n"
                        + "    " + MBEAN + ".reinitialize(DynamicPooledDataSourceManagerMBean.java:184)\n"), text);
                assertTrue(text.contains("    com.mchange.v2.c3p0.impl.PoolBackedDataSourceBase.setConnectionPoolDataSource(PoolBackedDataSourceBase.java:70)\n"), text);

                // The JMX read of the issue takes the MBean, then the data source, in this thread too.
                ds.setJdbcUrl("jdbc:h2:mem:c3p0");
                MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
                Set<ObjectName> names = jmx.queryNames(new ObjectName("com.mchange.v2.c3p0:type=PooledDataSource,*"), null);
                assertEquals(1, names.size(), names.toString());
                // (the pool fills in its helper threads: how many connections exist yet is not fixed)
                assertTrue(jmx.getAttribute(names.iterator().next(), "numConnectionsDefaultUser") instanceof Integer);
                assertTrue(Recorder.witness().hasOrder(MBEAN, DATA_SOURCE));
                assertTrue(!Recorder.witness().hasOrder(DATA_SOURCE, MBEAN), "a reversing edge is reported, not learned");
            } finally {
                ds.close();
            }
        }
    }
}
