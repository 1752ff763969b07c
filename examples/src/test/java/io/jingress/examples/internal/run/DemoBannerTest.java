package io.jingress.examples.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jingress.examples.internal.demo.KubiaPods;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DemoBannerTest {

    /** Pod names and pod ports differ from run to run. */
    private static String normalized(String text) {
        return text.replaceAll("jingress-demo-\\d+", "jingress-demo-N").replaceAll("kubia-[a-z0-9]{5}", "kubia-xxxxx").replaceAll("(127\\.0\\.0\\.\\d):\\d+", "$1:PORT");
    }

    @Test
    void theReadmeShowsTheBannerAsPrinted() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String start = "It prints what it started and what to try:\n\n```text\n";
        int from = readme.indexOf(start);
        assertTrue(from >= 0, "README.md shows no banner");
        String shown = readme.substring(from + start.length(), readme.indexOf("```", from + start.length()));
        try (KubiaPods pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, 0, new Random(1))) {
            String printed = DemoBanner.text(pods, Path.of("/tmp/jingress-demo-4066031931547113018/kubia.yaml"), 30880,
                    "127.0.0.1", 10254);
            assertEquals(normalized(shown), normalized(printed.strip() + "\n"));
        }
    }

    @Test
    void withoutAdminTheBannerOffersNoAdminCommands() throws Exception {
        try (KubiaPods pods = KubiaPods.start(KubiaPods.POD_ADDRESSES, 0, new Random(2))) {
            String printed = DemoBanner.text(pods, Path.of("kubia.yaml"), 40000, null, -1);
            assertTrue(printed.contains("curl -H 'Host: myapp.kubia.com' localhost:40000"), printed);
            assertTrue(!printed.contains("/healthz") && !printed.contains("NodePort"), printed);
        }
    }
}
