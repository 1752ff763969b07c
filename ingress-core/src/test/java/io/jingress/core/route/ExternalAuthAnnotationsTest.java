package io.jingress.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ExternalAuthAnnotationsTest {
    private static final String P = "nginx.ingress.kubernetes.io/";

    private static RouteAnnotations.Parsed parse(String... pairs) {
        Map<String, String> annotations = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            annotations.put(P + pairs[i], pairs[i + 1]);
        }
        return RouteAnnotations.parse(annotations);
    }

    private static String url(ExternalAuth auth) {
        return auth.urlFor("https", "app.example.com", "app.example.com:8443", "/a b", "/a%20b?x=1&y=2");
    }

    @Test
    void anAuthUrlWithoutVariablesIsUsedAsWritten() {
        RouteAnnotations.Parsed parsed = parse("auth-url", "http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth");
        ExternalAuth auth = parsed.policy().externalAuth();

        assertTrue(auth.usable());
        assertEquals("http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth", url(auth));
        assertFalse(auth.hostInUrl());
        assertNull(auth.method());
        assertNull(auth.signin());
        assertEquals(List.of(), auth.responseHeaders());
        assertEquals(List.of(), parsed.problems());
        assertEquals(List.of("external authentication at http://oauth2-proxy.auth.svc.cluster.local/oauth2/auth (auth-url)"),
                parsed.policy().describe());
    }

    @Test
    void aPasswordInTheSigninUrlIsNotShown() {
        RouteAnnotations.Parsed parsed = parse("auth-url", "http://oauth2-proxy.auth.svc/oauth2/auth",
                "auth-signin", "https://admin:s3cret@login.example.com/start?rd=$escaped_request_uri");

        String shown = parsed.policy().describe().toString();

        assertFalse(shown.contains("s3cret"), shown);
        assertTrue(shown.contains("401 redirected to https://***@login.example.com/start"), shown);
    }

    @Test
    void theCommonVariablesAreFilledInPerRequest() {
        ExternalAuth auth = parse("auth-url", "https://$host/oauth2/auth?uri=$escaped_request_uri&raw=$request_uri",
                "auth-signin", "https://$host/oauth2/start?rd=$escaped_request_uri").policy().externalAuth();

        assertTrue(auth.usable());
        assertTrue(auth.hostInUrl());
        assertEquals("https://app.example.com/oauth2/auth?uri=%2Fa%2520b%3Fx%3D1%26y%3D2&raw=/a%20b?x=1&y=2", url(auth));
        // rd is there already: the URL is used as it is
        assertEquals("https://app.example.com/oauth2/start?rd=%2Fa%2520b%3Fx%3D1%26y%3D2",
                auth.signin().locationFor("https", "app.example.com", "app.example.com:8443", "/a b", "/a%20b?x=1&y=2"));
        assertEquals(302, auth.signin().status());
    }

    @Test
    void aSigninUrlGetsTheRequestsUrlInRdAsIngressNginxAddsIt() {
        ExternalAuth auth = parse("auth-url", "http://auth/check", "auth-signin", "https://login.example.com/start")
                .policy().externalAuth();
        assertEquals("https://login.example.com/start?rd=$scheme://$http_host$escaped_request_uri", auth.signin().location());
        assertEquals("https://login.example.com/start?rd=https://app.example.com:8443%2Fp%3Fq%3D1",
                auth.signin().locationFor("https", "app.example.com", "app.example.com:8443", "/p", "/p?q=1"));

        ExternalAuth withQuery = parse("auth-url", "http://auth/check", "auth-signin", "https://login/start?app=1",
                "auth-signin-redirect-param", "next").policy().externalAuth();
        assertEquals("https://login/start?app=1&next=$scheme://$http_host$escaped_request_uri", withQuery.signin().location());
    }

    @Test
    void aBadAuthUrlMakesTheRoutesAnswer503AndSaysSo() {
        for (String bad : new String[] {"/oauth2/auth", "ftp://auth/check", "http://auth/check?u=$remote_addr",
                "http://$http_host/check", "http://auth.$escaped_request_uri/x", "http://$request_uri"}) {
            RouteAnnotations.Parsed parsed = parse("auth-url", bad);
            ExternalAuth auth = parsed.policy().externalAuth();

            assertFalse(auth.usable(), bad);
            assertNull(url(auth), bad);
            assertEquals(1, parsed.problems().size(), bad);
            assertTrue(parsed.problems().get(0).startsWith(P + "auth-url: \"" + bad + "\" cannot be used: "), parsed.problems().get(0));
            assertTrue(parsed.problems().get(0).endsWith("the Ingress's routes answer 503 (never served without authentication)"),
                    parsed.problems().get(0));
            assertTrue(parsed.policy().describe().get(0).startsWith("answered 503: auth-url cannot be used"),
                    parsed.policy().describe().toString());
        }
    }

    @Test
    void anAuthUrlWithAPasswordAnswers503AndThePasswordIsNeitherLoggedNorShown() {
        RouteAnnotations.Parsed parsed = parse("auth-url", "http://checker:s3cr3t@auth.svc/check?x=a@b");
        ExternalAuth auth = parsed.policy().externalAuth();

        assertFalse(auth.usable());
        assertEquals(List.of(P + "auth-url: \"http://***@auth.svc/check?x=a@b\" cannot be used: it has a user name or"
                + " password (user:password@host), which is not sent to the auth service; keep credentials out of the"
                + " annotation; the Ingress's routes answer 503 (never served without authentication)"), parsed.problems());
        assertFalse(String.join(" ", parsed.policy().describe()).contains("s3cr3t"), parsed.policy().describe().toString());
        assertEquals("http://auth.svc/x", ExternalAuthAnnotations.withoutUserInfo("http://auth.svc/x"));
        assertEquals("https://***@auth.svc", ExternalAuthAnnotations.withoutUserInfo("https://a:b@c@auth.svc"));
    }

    @Test
    void aBadMethodOrHeaderListOrAnUnimplementedSnippetAlsoAnswers503() {
        assertFalse(parse("auth-url", "http://auth/check", "auth-method", "FETCH").policy().externalAuth().usable());
        assertFalse(parse("auth-url", "http://auth/check", "auth-method", "CONNECT").policy().externalAuth().usable());
        assertFalse(parse("auth-url", "http://auth/check", "auth-response-headers", "X-User, X User")
                .policy().externalAuth().usable());
        RouteAnnotations.Parsed snippet = parse("auth-url", "http://auth/check", "auth-snippet", "proxy_set_header X-A b;");
        assertFalse(snippet.policy().externalAuth().usable());
        assertTrue(snippet.problems().get(0).contains("auth-snippet: \"proxy_set_header X-A b;\" is not implemented"),
                snippet.problems().toString());
        assertFalse(parse("auth-url", "http://auth/check", "auth-proxy-set-headers", "auth/headers")
                .policy().externalAuth().usable());
    }

    @Test
    void methodHeadersRequestRedirectAndCookieSettingAreRead() {
        RouteAnnotations.Parsed parsed = parse("auth-url", "http://auth/check", "auth-method", "POST",
                "auth-response-headers", "X-Auth-Request-User, X-Auth-Request-Email,,",
                "auth-request-redirect", "https://$host/after", "auth-always-set-cookie", "true");
        ExternalAuth auth = parsed.policy().externalAuth();

        assertTrue(auth.usable());
        assertEquals("POST", auth.method());
        assertEquals(List.of("X-Auth-Request-User", "X-Auth-Request-Email"), auth.responseHeaders());
        assertEquals("https://app.example.com/after",
                auth.requestRedirectFor("https", "app.example.com", "app.example.com", "/", "/"));
        assertTrue(auth.alwaysSetCookie());
        assertEquals(List.of(), parsed.problems());
    }

    @Test
    void whatOnlyChangesHowARefusalLooksFallsBackToItsDefault() {
        RouteAnnotations.Parsed parsed = parse("auth-url", "http://auth/check", "auth-signin", "login",
                "auth-signin-redirect-param", "a&b", "auth-request-redirect", "$remote_user",
                "auth-always-set-cookie", "maybe");
        ExternalAuth auth = parsed.policy().externalAuth();

        assertTrue(auth.usable());
        assertNull(auth.signin());
        assertNull(auth.requestRedirectFor("http", "h", "h", "/", "/"));
        assertFalse(auth.alwaysSetCookie());
        assertEquals(4, parsed.problems().size(), parsed.problems().toString());
        assertTrue(parsed.problems().contains(P + "auth-signin-redirect-param: \"a&b\" is not a query parameter's name"
                + " (letters, digits, -, ., _ and ~): rd is used"), parsed.problems().toString());
        assertTrue(parsed.problems().contains(P + "auth-always-set-cookie: \"maybe\" is neither true nor false: read as false,"
                + " as ingress-nginx does"), parsed.problems().toString());
    }

    @Test
    void companionsWithoutAuthUrlHaveNoEffect() {
        RouteAnnotations.Parsed parsed = parse("auth-signin", "https://login/start");

        assertNull(parsed.policy().externalAuth());
        assertEquals(List.of(P + "auth-signin: \"https://login/start\" has no effect without auth-url"), parsed.problems());
    }

    @Test
    void oursIsReadOverIngressNginxs() {
        RouteAnnotations.Parsed parsed = RouteAnnotations.parse(Map.of(P + "auth-url", "http://nginx/check",
                "jingress.io/auth-url", "http://ours/check"));

        assertEquals("http://ours/check", parsed.policy().externalAuth().url());
    }

    @Test
    void theRedirectAnnotationsStillFillInOnlyTheirOwnVariables() {
        RouteAnnotations.Parsed parsed = parse("permanent-redirect", "https://$http_host$escaped_request_uri");

        assertNull(parsed.policy().redirect());
        assertEquals(List.of(P + "permanent-redirect: \"https://$http_host$escaped_request_uri\" is not used: $http_host is"
                + " not a variable Jingress fills in (only $request_uri, $uri, $host and $scheme are); the routes are proxied"
                + " as if it were not there"), parsed.problems());
    }

    @Test
    void theAnnotationsCountAsRead() {
        for (String name : ExternalAuthAnnotations.NAMES) {
            assertTrue(RouteAnnotations.READ.contains(P + name), name);
        }
    }
}
