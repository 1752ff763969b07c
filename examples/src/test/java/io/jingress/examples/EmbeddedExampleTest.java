package io.jingress.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.examples.internal.demo.KubiaPod;
import io.jingress.examples.testing.Http;
import io.jingress.jetty.IngressServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedExampleTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCE = Path.of("src/main/java/io/jingress/examples/EmbeddedExample.java");
    private static final String START = "<!-- embedded-example:start -->\n```java\n";
    private static final String END = "```\n<!-- embedded-example:end -->";

    @Test
    void theReadmeShowsExactlyTheCompiledSource() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertTrue(start >= 0 && end > start, "README.md has no embedded-example block");
        assertEquals(Files.readString(SOURCE), readme.substring(start + START.length(), end),
                "README.md's embedding example differs from " + SOURCE + ": copy the file into the README");
    }

    @Test
    void theExampleRoutesItsHostToTheBackendsInTurn() throws Exception {
        try (KubiaPod one = KubiaPod.start("backend-one", "127.0.0.1", 0);
                KubiaPod two = KubiaPod.start("backend-two", "127.0.0.1", 0);
                IngressServer server = EmbeddedExample.start(0, 0, List.of("127.0.0.1:" + one.port(),
                        "127.0.0.1:" + two.port()))) {
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Http.Response response = Http.get(server.httpPort(), "shop.example.com", "/cart");
                assertEquals(200, response.status());
                answers.add(response.body());
            }
            assertEquals(List.of("You've hit backend-one\n", "You've hit backend-two\n"),
                    answers.subList(0, 2).stream().sorted().toList());
            assertEquals(answers.subList(0, 2), answers.subList(2, 4));
            assertEquals(404, Http.get(server.httpPort(), "www.example.com", "/").status());
            assertEquals(new Http.Response(200, "ok"), Http.get(server.adminPort(), "localhost", "/healthz"));
        }
    }
}
