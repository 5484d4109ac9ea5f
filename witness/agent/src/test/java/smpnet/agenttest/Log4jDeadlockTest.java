package smpnet.agenttest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import org.apache.log4j.Logger;
import org.apache.log4j.PatternLayout;
import org.apache.log4j.WriterAppender;
import org.junit.jupiter.api.Test;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;

/**
 * log4j 1.2.17's best-known deadlock, found from one thread that never blocks.
 *
 * <p>{@code Category.callAppenders} holds the logger's monitor while it calls every appender's synchronized
 * {@code AppenderSkeleton.doAppend}; an appender renders the message inside {@code doAppend}, so a message
 * whose {@code toString()} logs takes {@code RootLogger} while holding the appender. A second thread that
 * logs to the root logger holds {@code RootLogger} and waits for the appender: the two threads deadlock
 * (thread dumps in reload4j issue 75, pax-logging PAXLOGGING-122, log4j bug 41214 "Deadlock with
 * RollingFileAppender"; "log4j 1.2 is vulnerable to deadlocks when toString() produces nested logging").
 */
class Log4jDeadlockTest {
    @Test
    void aMessageThatLogsWhileItsAppenderIsHeldReversesRootLoggerAndTheAppender() {
        StringWriter out = new StringWriter();
        WriterAppender appender = new WriterAppender(new PatternLayout("%c: %m%n"), out);
        Logger root = Logger.getRootLogger();
        root.addAppender(appender);
        Logger app = Logger.getLogger("app");
        app.addAppender(appender); // one appender shared by a logger and the root, as a config file may do
        app.setAdditivity(false);
        Object chatty = new Object() {
            @Override
            public String toString() {
                root.info("rendering a message"); // runs inside doAppend: appender held, RootLogger wanted
                return "chatty message";
            }
        };
        try (Recorder rec = new Recorder()) {
            app.info(chatty); // learns Logger -> WriterAppender -> RootLogger
            assertEquals(List.of(), rec.summary());
            root.info("plain message"); // RootLogger -> WriterAppender: reported here
            assertEquals(List.of("LOCK_ORDER_REVERSAL org.apache.log4j.spi.RootLogger,org.apache.log4j.WriterAppender"),
                    rec.summary());
            Report r = rec.only(ReportKind.LOCK_ORDER_REVERSAL);
            String text = r.text();
            assertTrue(text.contains("  established order: org.apache.log4j.WriterAppender -> org.apache.log4j.spi.RootLogger\n"), text);
            // the first stack: where the appender was held when RootLogger was taken (the message's toString)
            assertTrue(text.contains("  edge org.apache.log4j.WriterAppender -> org.apache.log4j.spi.RootLogger (EE), learned in thread \"main\":\n"
                    + "    org.apache.log4j.Category.callAppenders(Category.java:204)\n"), text);
            assertTrue(text.contains("    smpnet.agenttest.Log4jDeadlockTest$1.toString(Log4jDeadlockTest.java:38)\n"), text);
            assertTrue(text.contains("    org.apache.log4j.WriterAppender.append(WriterAppender.java:162)\n"), text);
            // the second stack: the reversing acquisition, doAppend entered while RootLogger is held
            assertTrue(text.contains("  reversing acquisition org.apache.log4j.spi.RootLogger -> org.apache.log4j.WriterAppender at:\n"
                    + "    org.apache.log4j.AppenderSkeleton.doAppend(AppenderSkeleton.java:231)\n"
                    + "    org.apache.log4j.helpers.AppenderAttachableImpl.appendLoopOnAppenders(AppenderAttachableImpl.java:66)\n"
                    + "    org.apache.log4j.Category.callAppenders(Category.java:206)\n"), text);
            assertTrue(text.contains("    thread 1 holds org.apache.log4j.spi.RootLogger (exclusive) and wants org.apache.log4j.WriterAppender (exclusive)\n"
                    + "    thread 2 holds org.apache.log4j.WriterAppender (exclusive) and wants org.apache.log4j.spi.RootLogger (exclusive)\n"), text);
        } finally {
            root.removeAppender(appender);
            app.removeAppender(appender);
        }
        // PatternLayout formats into one reused buffer: the nested message overwrites the outer one's "app: "
        assertEquals("root: rendering a message\nroot: rendering a message\nchatty message\nroot: plain message\n", out.toString()
                .replace(System.lineSeparator(), "\n"));
    }
}
