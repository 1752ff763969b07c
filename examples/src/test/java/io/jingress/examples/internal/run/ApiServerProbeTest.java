package io.jingress.examples.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.examples.internal.cli.Command;
import io.jingress.examples.internal.cli.CommandLine;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiServerProbeTest {

    @TempDir
    Path dir;

    @Test
    void theUrlComesFromTheKubeconfigsContext() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - {name: a, cluster: {server: "https://192.0.2.1:6443"}}
                  - {name: b, cluster: {server: "https://192.0.2.2:6443"}}
                contexts:
                  - {name: a, context: {cluster: a, user: u}}
                  - {name: b, context: {cluster: b, user: u}}
                current-context: a
                users: [{name: u, user: {token: t}}]
                """);
        Command.Run run = assertInstanceOf(Command.Run.class,
                CommandLine.parse("--kubeconfig", kubeconfig.toString(), "--context", "b"));
        assertEquals("https://192.0.2.2:6443/", ApiServerProbe.url(run.options()));
    }

    @Test
    void aClosedPortIsConnectionRefused() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        assertEquals("connection refused", ApiServerProbe.reachability("https://127.0.0.1:" + port + "/"));
    }

    @Test
    void aListeningServerSendsTheReaderToTheWarnings() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String said = ApiServerProbe.reachability("https://127.0.0.1:" + open.getLocalPort() + "/");
            assertTrue(said.startsWith("it accepts connections"), said);
        }
    }
}
