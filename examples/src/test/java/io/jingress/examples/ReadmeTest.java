package io.jingress.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.examples.internal.cli.Command;
import io.jingress.examples.internal.cli.CommandLine;
import io.jingress.examples.internal.run.Explain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What README.md promises, checked against the code, so it cannot drift. */
class ReadmeTest {

    private static final Path README = Path.of("..", "README.md");

    @TempDir
    Path dir;

    private static String readme() throws Exception {
        return Files.readString(README);
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        int to = text.indexOf(end, from + start.length());
        assertTrue(from >= 0 && to > from, () -> "README.md has no block between " + start + " and " + end);
        return text.substring(from + start.length(), to);
    }

    @Test
    void theQuickStartKeepsItsTwoCommands() throws Exception {
        String readme = readme();
        assertTrue(readme.contains("mvn -B -DskipTests package && java -jar examples/target/jingress.jar"));
        assertTrue(readme.contains("mvn -B verify"));
    }

    @Test
    void everyFlagIsInTheConfigurationTable() throws Exception {
        String table = between(readme(), "## Configuration", "## How a request is routed");
        for (String flag : CommandLine.flagNames()) {
            assertTrue(table.contains("`" + flag), () -> flag + " is missing from the README's configuration table");
        }
    }

    @Test
    void theFileModeExampleExplainsAsShown() throws Exception {
        String readme = readme();
        String yaml = between(between(readme, "<!-- file-mode-example:start -->", "<!-- file-mode-example:end -->"),
                "```yaml\n", "```");
        Path manifest = Files.writeString(dir.resolve("shop.yaml"), yaml);

        String session = between(readme, "```console\n$ java -jar examples/target/jingress.jar --manifests shop.yaml"
                + " --explain ", "```");
        String url = session.substring(0, session.indexOf('\n'));
        String shown = session.substring(session.indexOf('\n') + 1);

        Command.Explain explain = (Command.Explain) CommandLine.parse("--manifests", manifest.toString(),
                "--explain", url);
        assertEquals(shown, Explain.text(explain.options(), explain.url()));
    }

    @Test
    void everyRelativeLinkLeadsToAFile() throws Exception {
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("\\]\\(([^)#:]+)\\)").matcher(readme());
        int links = 0;
        while (link.find()) {
            Path target = README.resolveSibling(link.group(1));
            assertTrue(Files.exists(target), () -> "README.md links to " + link.group(1) + ", which does not exist");
            links++;
        }
        assertTrue(links >= 4, "README.md links to docs/routing.md, docs/core-api.md and more");
    }

    @Test
    void theDeployTableNamesEveryFileInDeploy() throws Exception {
        String readme = readme();
        for (String file : List.of("deploy/jingress.yaml", "deploy/service-nodeport.yaml", "deploy/kubia/kubia.yaml")) {
            assertTrue(Files.exists(README.resolveSibling(file)), file);
            assertTrue(readme.contains("`" + file + "`"), () -> file + " is not described in README.md");
        }
    }
}
