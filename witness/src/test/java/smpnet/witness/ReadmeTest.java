package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's complete example is the real, running example test, verbatim. */
class ReadmeTest {
    @Test
    void readmeQuotesTheExampleTestExactly() throws Exception {
        String readme = new String(Files.readAllBytes(Path.of("README.md")), StandardCharsets.UTF_8);
        String example = new String(Files.readAllBytes(Path.of("src/test/java/example/ShopTest.java")), StandardCharsets.UTF_8);
        assertTrue(readme.contains("```java\n" + example + "```\n"), "README.md must quote example/ShopTest.java exactly");
    }
}
