package smpnet.sim.bench.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jfree.data.category.DefaultCategoryDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    @Test
    void oneBarPerMeasuredCaseAtItsMedian() {
        DefaultCategoryDataset d = Charts.dataset(ResultFilesTest.report());
        assertEquals(List.of("kernel", "fine"), d.getRowKeys());
        assertEquals(List.of("64 B, 1 CPU", "64 B, 2 CPUs"), d.getColumnKeys());
        assertEquals(200.0, d.getValue("kernel", "64 B, 1 CPU").doubleValue());
        assertEquals(null, d.getValue("kernel", "64 B, 2 CPUs"));
        assertEquals(4000.0, d.getValue("fine", "64 B, 2 CPUs").doubleValue());
    }

    @Test
    void theCeilingIsABarBesideTheTwoCpuBars() {
        DefaultCategoryDataset d = Charts.dataset(BenchReportTest.paired());
        assertEquals(List.of("fine", Charts.CEILING), d.getRowKeys());
        assertEquals(200.0, d.getValue(Charts.CEILING, "64 B, 2 CPUs").doubleValue());
        assertEquals(null, d.getValue(Charts.CEILING, "64 B, 1 CPU"));
    }

    @Test
    void writesAPng(@TempDir Path dir) throws IOException {
        Path png = Charts.write(ResultFilesTest.report(), dir).getFirst();
        byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic);
    }
}
