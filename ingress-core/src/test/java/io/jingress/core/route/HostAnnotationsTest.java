package io.jingress.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** server-alias and from-to-www-redirect, read as ingress-nginx reads them; a bad value costs only itself. */
class HostAnnotationsTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    private static RouteAnnotations.Parsed parse(String... namesAndValues) {
        Map<String, String> annotations = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            annotations.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return RouteAnnotations.parse(annotations);
    }

    @Test
    void serverAliasIsAListOfNamesSeparatedByCommasLowerCasedAndWithoutRepeats() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "server-alias", " a.example.com, B.Example.com ,*.example.org,a.example.com");

        assertEquals(List.of("a.example.com", "b.example.com", "*.example.org"), parsed.policy().serverAliases());
        assertEquals(List.of(), parsed.problems());
        assertEquals(List.of("also served as a.example.com, b.example.com, *.example.org (server-alias)"),
                parsed.policy().describe());
        assertFalse(parsed.policy().fromToWwwRedirect());
    }

    @Test
    void fromToWwwRedirectIsReadAsGoParsesABoolean() {
        for (String on : List.of("true", "True", "TRUE", "t", "1")) {
            assertTrue(parse(NGINX + "from-to-www-redirect", on).policy().fromToWwwRedirect(), on);
        }
        for (String off : List.of("false", "f", "0")) {
            RouteAnnotations.Parsed parsed = parse(NGINX + "from-to-www-redirect", off);
            assertTrue(parsed.policy().isNone(), off);
            assertEquals(List.of(), parsed.problems(), off);
        }
        assertEquals(List.of("the www. name of each host (or the name without www.) redirects to it (from-to-www-redirect)"),
                parse("jingress.io/from-to-www-redirect", "true").policy().describe());
    }

    @Test
    void aFromToWwwRedirectThatIsNeitherTrueNorFalseIsReportedAndMakesNoRedirect() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "from-to-www-redirect", "maybe");

        assertFalse(parsed.policy().fromToWwwRedirect());
        assertEquals(List.of(NGINX + "from-to-www-redirect: \"maybe\" is neither true nor false: no www redirect is made"),
                parsed.problems());
    }

    @Test
    void aBadAliasIsReportedAndLeftOutAndTheOthersAreKept() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "server-alias",
                "good.example.com, ~^www\\d+\\.example\\.com$, .example.net, www.example.*, a*.example.com,"
                        + " bad_name.example.com, host.example.com:8080, -x.example.com, *.*.example.com, also.example.com");

        assertEquals(List.of("good.example.com", "also.example.com"), parsed.policy().serverAliases());
        String prefix = NGINX + "server-alias: \"good.example.com, ~^www\\d+\\.example\\.com$, .example.net, www.example.*,"
                + " a*.example.com, bad_name.example.com, host.example.com:8080, -x.example.com, *.*.example.com,"
                + " also.example.com\": the alias ";
        String notDns = " is not served: it is not a DNS name (letters, digits, '-' and '.', each label starting and"
                + " ending with a letter or digit, at most 253 characters; no port)";
        assertEquals(List.of(
                prefix + "\"~^www\\d+\\.example\\.com$\" is not served: a regular expression (nginx's ~ form) is not a host"
                        + " name Jingress matches",
                prefix + "\".example.net\" is not served: nginx's .example.com form (the name and all its subdomains) is"
                        + " not implemented: list example.com and *.example.com",
                prefix + "\"www.example.*\" is not served: nginx's trailing wildcard (www.example.*) is not implemented",
                prefix + "\"a*.example.com\" is not served: a wildcard must be the whole first label, as in *.example.com",
                prefix + "\"bad_name.example.com\"" + notDns,
                prefix + "\"host.example.com:8080\"" + notDns,
                prefix + "\"-x.example.com\"" + notDns,
                prefix + "\"*.*.example.com\" is not served: a wildcard must be *. followed by a DNS name (e.g. *.example.com)"),
                parsed.problems());
    }

    @Test
    void anEmptyAliasIsReportedOnceAndSkipped() {
        RouteAnnotations.Parsed parsed = parse("jingress.io/server-alias", "a.example.com,, b.example.com,");

        assertEquals(List.of("a.example.com", "b.example.com"), parsed.policy().serverAliases());
        assertEquals(List.of("jingress.io/server-alias: \"a.example.com,, b.example.com,\" has an empty name (two commas"
                + " in a row, or one at an end): it is skipped"), parsed.problems());
    }

    @Test
    void anEmptyServerAliasIsReportedAndAsksNothing() {
        RouteAnnotations.Parsed parsed = parse(NGINX + "server-alias", "  ");

        assertTrue(parsed.policy().isNone());
        assertEquals(List.of(NGINX + "server-alias: \"\" is empty: no alias is served"), parsed.problems());
    }
}
