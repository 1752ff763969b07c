package io.jingress.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.examples.testing.Http;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: a separate JVM, its output, its exit code, SIGTERM. */
class MainProcessTest {

    static Process java(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(false).start();
    }

    private static String stderr(Process process) throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static int exit(Process process) throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not exit");
        }
        return process.exitValue();
    }

    static BufferedReader stdout(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads lines up to the first that {@code stop} accepts, which it returns; the others go to {@code seen}. */
    static String readUntil(BufferedReader out, Predicate<String> stop, List<String> seen) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (stop.test(line)) {
                return line;
            }
            seen.add(line);
        }
        throw new AssertionError("the output ended before the line looked for: " + seen);
    }

    /** Reads the demo's banner; returns the HTTP port it names. */
    private static int demoPort(BufferedReader out, List<String> seen) throws IOException {
        readUntil(out, "Ctrl-C stops it."::equals, seen);
        Pattern listens = Pattern.compile("listens {2}http :(\\d+)");
        for (String line : seen) {
            Matcher m = listens.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no port in the banner: " + seen);
    }

    @Test
    void aBadValueExits2WithOneLine() throws Exception {
        Process process = java("--http-port", "abc");
        String err = stderr(process);
        assertEquals(2, exit(process));
        assertEquals("jingress: --http-port: \"abc\" is not a port number (1-65535, or 0 for any free port)\n", err);
    }

    @Test
    void aPortInUseExits1NamingTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            Process process = java("--http-port", Integer.toString(taken.getLocalPort()), "--admin-port", "off");
            String err = stderr(process);
            assertEquals(1, exit(process));
            assertEquals("jingress: --http-port " + taken.getLocalPort() + ": address already in use\n", err);
        }
    }

    @Test
    void helpListsTheFlagsAndExits0() throws Exception {
        Process process = java("--help");
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, exit(process));
        assertTrue(out.startsWith("Usage: java -jar jingress.jar"), out);
        assertTrue(out.contains("--http-port N"), out);
    }

    @Test
    void theDemoServesAndLogsRequestsUntilSigtermThenExits0() throws Exception {
        Process process = java("--http-port", "0", "--admin-port", "off", "--access-log");
        try {
            BufferedReader out = stdout(process);
            List<String> lines = new ArrayList<>();
            int port = demoPort(out, lines);
            assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+ INFO \\S+ - .*")),
                    () -> "log lines carry time, level and logger: " + lines);
            assertEquals(200, Http.get(port, "myapp.kubia.com", "/").status());
            String accessLine = readUntil(out, l -> l.contains("\"GET / HTTP/1.1\" 200"), lines);
            assertTrue(accessLine.contains(" INFO access - 127.0.0.1 - "),
                    () -> "--access-log writes one line per request: " + lines);

            process.toHandle().destroy(); // SIGTERM, keeping our end of its stdout open
            assertEquals(0, exit(process));
            List<String> rest = out.lines().toList();
            assertTrue(rest.stream().anyMatch(l -> l.endsWith("INFO Main - stopped")), rest::toString);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void sigtermWhileTheDemoStartsExits0AndLeavesNoTemporaryDirectory(@TempDir Path tmp) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--http-port", "0", "--admin-port", "off"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = stdout(process);
            List<String> lines = new ArrayList<>();
            // the demo's manifest is loaded before the listeners start
            readUntil(out, l -> l.contains("serving 1 Ingress"), lines);

            process.toHandle().destroy(); // SIGTERM
            assertEquals(0, exit(process), lines::toString);
            try (var left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), "the demo's manifest directory is removed");
            }
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void fileModeLogsHowManyIngressesItServesAndRejects(@TempDir Path dir) throws Exception {
        Path manifests = dir.resolve("ingresses.yaml");
        Files.writeString(manifests, """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: good, namespace: default}
                spec:
                  ingressClassName: jingress
                  rules:
                  - host: good.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: bad, namespace: default}
                spec:
                  ingressClassName: jingress
                  rules:
                  - host: bad.example.com
                    http:
                      paths:
                      - {path: nope, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """);
        Process process = java("--manifests", manifests.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "off");
        try {
            BufferedReader out = stdout(process);
            List<String> lines = new ArrayList<>();
            readUntil(out, l -> l.contains("Jingress serving"), lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("Ingress default/bad: spec.rules[0].http.paths[0].path")),
                    lines::toString);
            assertTrue(lines.stream().anyMatch(l -> l.endsWith("ingresses.yaml: serving 1 Ingress (1 rejected), 2 problems")),
                    lines::toString);

            // mended: the log says so, as it said what was wrong
            Files.writeString(manifests, Files.readString(manifests).replace("path: nope", "path: /nope"));
            String cleared = "INFO RouteUpdater - cleared: " + manifests + ":12 (document 2): Ingress default/bad: "
                    + "spec.rules[0].http.paths[0].path: \"nope\" must start with \"/\"";
            readUntil(out, l -> l.endsWith(cleared), lines);
            String served = readUntil(out, l -> l.contains("ingresses.yaml: serving"), lines);
            assertTrue(served.endsWith("serving 2 Ingresses (0 rejected), 2 problems"), served);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void fileModeSaysWhichIngressesItLeavesAloneForTheirClass(@TempDir Path dir) throws Exception {
        Path manifests = dir.resolve("ingresses.yaml");
        String ingresses = """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: classless, namespace: default}
                spec:
                  rules:
                  - host: a.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: theirs, namespace: default}
                spec:
                  ingressClassName: nginx
                  rules:
                  - host: b.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """;
        Files.writeString(manifests, ingresses);
        Process process = java("--manifests", manifests.toString(), "--http-port", "0", "--https-port", "off",
                "--admin-port", "off");
        try {
            BufferedReader out = stdout(process);
            List<String> lines = new ArrayList<>();
            readUntil(out, l -> l.contains("Jingress serving"), lines);
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(manifests + ":1 (document 1): Ingress default/classless is "
                    + "not served: it names no class, none of our IngressClasses is the default and Ingresses without "
                    + "class are not watched; to serve it, give it spec.ingressClassName: jingress")), lines::toString);
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(manifests + ":11 (document 2): Ingress default/theirs is "
                    + "not served: its class nginx is not ours (ours: jingress)")), lines::toString);
            assertTrue(lines.stream().anyMatch(l -> l.endsWith("ingresses.yaml: serving 0 Ingresses (0 rejected, 2 ignored for their class), 0 problems")),
                    lines::toString);

            // given the class, it is served, and the line on it is not repeated for the other
            Files.writeString(manifests, ingresses.replaceFirst("spec:\n", "spec:\n  ingressClassName: jingress\n"));
            String served = readUntil(out, l -> l.contains("ingresses.yaml: serving"), lines);
            assertTrue(served.endsWith("serving 1 Ingress (0 rejected, 1 ignored for their class), 1 problem"), served);
            assertEquals(1, lines.stream().filter(l -> l.contains("Ingress default/theirs is not served")).count(),
                    lines::toString);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void malformedRequestsAreAnswered400WithoutAWarningEach() throws Exception {
        Process process = java("--http-port", "0", "--admin-port", "off", "--access-log");
        try {
            BufferedReader out = stdout(process);
            int port = demoPort(out, new ArrayList<>());
            for (String head : List.of("Host: a\r\nHost: b", "Host: [::1", "Host: a b", "Host: a:99999")) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    socket.getOutputStream().write(("GET / HTTP/1.1\r\n" + head + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertTrue(answer.startsWith("HTTP/1.1 400 "), head + ": " + answer);
                }
            }
            // a good request after them: its access line comes after anything they logged
            assertEquals(200, Http.get(port, "myapp.kubia.com", "/").status());
            List<String> lines = new ArrayList<>();
            readUntil(out, l -> l.contains("\"GET / HTTP/1.1\" 200"), lines);
            assertTrue(lines.stream().noneMatch(l -> l.contains(" WARN ")), lines::toString);
        } finally {
            process.destroyForcibly();
        }
    }
}
