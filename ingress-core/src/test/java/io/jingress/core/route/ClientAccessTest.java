package io.jingress.core.route;

import io.jingress.core.model.Ingress;
import io.jingress.core.model.Problem;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.jingress.core.model.HttpIngressPath.prefix;
import static io.jingress.core.route.Fixtures.backend;
import static io.jingress.core.route.Fixtures.compile;
import static io.jingress.core.route.Fixtures.ingress;
import static io.jingress.core.route.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Source ranges ({@code allowlist-source-range}, {@code denylist-source-range}): reading and matching. */
class ClientAccessTest {
    private static final String NGINX = "nginx.ingress.kubernetes.io/";

    /** What the annotations (name without prefix, value; ingress-nginx's prefix) read as, and the problems. */
    private static final class Read {
        final ClientAccess access;
        final List<String> problems = new ArrayList<>();

        Read(String... nameValues) {
            Map<String, String> annotations = new LinkedHashMap<>();
            for (int i = 0; i < nameValues.length; i += 2) {
                String name = nameValues[i].contains("/") ? nameValues[i] : NGINX + nameValues[i];
                annotations.put(name, nameValues[i + 1]);
            }
            access = SourceRangeAnnotations.parse(annotations, problems);
        }
    }

    private static ClientAccess allow(String value) {
        Read read = new Read("allowlist-source-range", value);
        assertTrue(read.problems.isEmpty(), read.problems.toString());
        return read.access;
    }

    @Test
    void anAllowlistAdmitsOnlyClientsInItsRangesIpv4AndIpv6() {
        ClientAccess access = allow("10.0.0.0/8, 192.168.1.7,2001:db8::/32");

        assertEquals(List.of("clients only from 10.0.0.0/8, 192.168.1.7/32, 2001:db8::/32 (allowlist-source-range)"),
                access.phrases());
        assertTrue(access.admits("10.0.0.1"));
        assertTrue(access.admits("10.255.255.255"));
        assertTrue(access.admits("192.168.1.7"));
        assertTrue(access.admits("[2001:db8:0:0:0:0:0:1]"));  // how Jetty writes a peer's IPv6 address
        assertTrue(access.admits("2001:DB8:ffff::7"));
        assertFalse(access.admits("11.0.0.1"));
        assertFalse(access.admits("9.255.255.255"));
        assertFalse(access.admits("192.168.1.8"));
        assertFalse(access.admits("2001:db9::1"));
        assertFalse(access.admits("127.0.0.1"));
        assertFalse(access.admits("[0:0:0:0:0:0:0:1]"));
    }

    @Test
    void anIpv4MappedClientCountsAsItsIpv4Address() {
        ClientAccess access = allow("10.0.0.0/8");

        assertTrue(access.admits("::ffff:10.1.2.3"));
        assertTrue(access.admits("[0:0:0:0:0:ffff:a01:203]"));
        assertFalse(access.admits("::ffff:11.1.2.3"));
        // only the mapped form: ::10.1.2.3 (IPv4-compatible) is an IPv6 address
        assertFalse(access.admits("::10.1.2.3"));
        // and a mapped range is the IPv4 range it maps
        ClientAccess mapped = allow("::ffff:192.168.0.0/112");
        assertEquals(List.of("clients only from 192.168.0.0/16 (allowlist-source-range)"), mapped.phrases());
        assertTrue(mapped.admits("192.168.3.4"));
        assertFalse(mapped.admits("192.169.0.1"));
    }

    @Test
    void zonesAndEveryIpv6SpellingAreRead() {
        ClientAccess access = allow("fe80::/10, ::1");

        assertTrue(access.admits("[fe80:0:0:0:1:2:3:4%eth0]"));
        assertTrue(access.admits("fe80::1%2"));
        assertTrue(access.admits("0:0:0:0:0:0:0:1"));
        assertTrue(access.admits("::1"));
        assertFalse(access.admits("::2"));
        assertFalse(access.admits("fec0::1"));
        assertEquals(List.of("clients only from fe80::/10, ::1/128 (allowlist-source-range)"), access.phrases());
    }

    @Test
    void prefixesZeroAndFullMatchEverythingAndOneAddress() {
        ClientAccess any4 = allow("0.0.0.0/0");
        assertTrue(any4.admits("1.2.3.4"));
        assertTrue(any4.admits("255.255.255.255"));
        assertFalse(any4.admits("::1"));  // an IPv4 range says nothing of IPv6 clients, as in nginx
        ClientAccess any6 = allow("::/0");
        assertTrue(any6.admits("2001:db8::1"));
        assertFalse(any6.admits("1.2.3.4"));
        ClientAccess one = allow("2001:db9::1:0:0:1/128, 10.0.0.1/32, 2001:db8::/63");
        assertTrue(one.admits("2001:db9:0:0:1::1"));
        assertFalse(one.admits("2001:db9:0:0:1::2"));
        assertTrue(one.admits("2001:db8:0:1:ffff::"));
        assertFalse(one.admits("2001:db8:0:2::"));
        assertTrue(one.admits("10.0.0.1"));
        assertFalse(one.admits("10.0.0.0"));
        assertEquals(List.of("clients only from 2001:db9::1:0:0:1/128, 10.0.0.1/32, 2001:db8::/63 (allowlist-source-range)"),
                one.phrases());
    }

    @Test
    void aDenylistRefusesItsRangesAndWinsOverTheAllowlist() {
        Read read = new Read("denylist-source-range", "10.1.0.0/16, 2001:db8::7", "allowlist-source-range", "10.0.0.0/8");
        assertTrue(read.problems.isEmpty(), read.problems.toString());
        ClientAccess access = read.access;

        assertFalse(access.refusesEveryClient());
        assertTrue(access.admits("10.2.0.1"));
        assertFalse(access.admits("10.1.0.1"));  // in both: refused, as ingress-nginx checks the denylist first
        assertFalse(access.admits("11.0.0.1"));
        assertEquals(List.of("clients only from 10.0.0.0/8 (allowlist-source-range)",
                "clients refused from 10.1.0.0/16, 2001:db8::7/128 (denylist-source-range)"), access.phrases());

        ClientAccess denyOnly = new Read("denylist-source-range", "10.1.0.0/16, 2001:db8::7").access;
        assertTrue(denyOnly.admits("127.0.0.1"));
        assertTrue(denyOnly.admits("2001:db8::8"));
        assertFalse(denyOnly.admits("[2001:db8:0:0:0:0:0:7]"));
        assertFalse(denyOnly.admits("::ffff:10.1.9.9"));
    }

    @Test
    void theAllowlistWinsOverItsOlderNameWhichIsReadAlone() {
        Read both = new Read("whitelist-source-range", "10.0.0.0/8", "allowlist-source-range", "192.168.0.0/16");
        assertEquals(List.of("clients only from 192.168.0.0/16 (allowlist-source-range)"), both.access.phrases());
        assertEquals(List.of(NGINX + "whitelist-source-range: \"10.0.0.0/8\" is not read: " + NGINX
                + "allowlist-source-range is set too and wins, as in ingress-nginx"), both.problems);

        ClientAccess old = new Read("whitelist-source-range", "10.0.0.0/8").access;
        assertEquals(List.of("clients only from 10.0.0.0/8 (whitelist-source-range)"), old.phrases());
        assertTrue(old.admits("10.9.9.9"));
        assertFalse(old.admits("11.9.9.9"));

        ClientAccess ours = new Read("jingress.io/allowlist-source-range", "127.0.0.0/8",
                "allowlist-source-range", "10.0.0.0/8").access;
        assertTrue(ours.admits("127.0.0.1"));
        assertFalse(ours.admits("10.0.0.1"));
    }

    @Test
    void anAllowlistEntryThatIsNoAddressIsLeftOutAndReported() {
        Read read = new Read("allowlist-source-range", "10.0.0.0/8, example.com, 10.0.0.256, 192.168.1.0/33, ,");

        assertTrue(read.access.admits("10.1.1.1"));
        assertFalse(read.access.admits("192.168.1.1"));
        assertEquals(List.of(NGINX + "allowlist-source-range: \"10.0.0.0/8, example.com, 10.0.0.256, 192.168.1.0/33, ,\": "
                + "\"example.com\", \"10.0.0.256\", \"192.168.1.0/33\" are no IP address or CIDR range and left out; "
                + "only clients from 10.0.0.0/8 are allowed"), read.problems);
    }

    @Test
    void anAllowlistWithNothingValidRefusesEveryClient() {
        for (String value : List.of("", "everyone", "10.0.0.0/8x, *", " , ")) {
            Read read = new Read("allowlist-source-range", value);
            assertFalse(read.access.isAny(), value);
            assertTrue(read.access.refusesEveryClient(), value);
            assertFalse(read.access.admits("10.0.0.1"), value);
            assertFalse(read.access.admits("127.0.0.1"), value);
            assertEquals(List.of("every client refused: allowlist-source-range has no valid entry"), read.access.phrases());
            assertEquals(1, read.problems.size(), read.problems.toString());
            assertTrue(read.problems.get(0).startsWith(NGINX + "allowlist-source-range: \"" + value.strip() + "\""),
                    read.problems.get(0));
            assertTrue(read.problems.get(0).endsWith("; every client is refused (403)"), read.problems.get(0));
        }
    }

    @Test
    void aDenylistEntryThatIsNoAddressRefusesEveryClient() {
        Read read = new Read("denylist-source-range", "203.0.113.0/24, 203.0.113.300", "allowlist-source-range", "10.0.0.0/8");

        assertTrue(read.access.refusesEveryClient());
        assertFalse(read.access.admits("10.0.0.1"));
        assertFalse(read.access.admits("127.0.0.1"));
        assertEquals(List.of("every client refused: denylist-source-range has an entry that is no address (\"203.0.113.300\")"),
                read.access.phrases());
        assertEquals(List.of(NGINX + "denylist-source-range: \"203.0.113.0/24, 203.0.113.300\": \"203.0.113.300\" is no IP "
                + "address or CIDR range; every client is refused (403) until the denylist is mended"), read.problems);
    }

    @Test
    void anEmptyDenylistRefusesNoClientAndIsReported() {
        Read read = new Read("denylist-source-range", "");
        assertTrue(read.access.admits("10.0.0.1"));
        assertEquals(List.of(NGINX + "denylist-source-range: \"\" names no address; it refuses no client"), read.problems);
    }

    @Test
    void addressBitsPastThePrefixAreReadAsTheNetworkAndReported() {
        Read read = new Read("allowlist-source-range", "10.1.2.3/8, 2001:db8::1/32");

        assertEquals(List.of("clients only from 10.0.0.0/8, 2001:db8::/32 (allowlist-source-range)"), read.access.phrases());
        assertTrue(read.access.admits("10.200.0.1"));
        assertEquals(List.of(
                NGINX + "allowlist-source-range: \"10.1.2.3/8, 2001:db8::1/32\": \"10.1.2.3/8\" has address bits set past "
                        + "its prefix; read as 10.0.0.0/8, as nginx does",
                NGINX + "allowlist-source-range: \"10.1.2.3/8, 2001:db8::1/32\": \"2001:db8::1/32\" has address bits set "
                        + "past its prefix; read as 2001:db8::/32, as nginx does"), read.problems);
    }

    @Test
    void onlyStrictAddressTextIsARange() {
        for (String bad : List.of("1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/8/8", "1..2.3",
                "::1/129", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1:2:3:4:5:6:7::8", "12345::", "fe80::1%eth0",
                "[::1]", "::ffff:1.2.3", "1.2.3.4::", "g::1", "1:2:3:4:5:6:7:", " ", "\u0663::1", "\u0661.2.3.4")) {
            assertEquals(null, AddressRanges.Range.parse(bad), bad);
        }
        for (String good : List.of("1.2.3.4", "0.0.0.0/0", "255.255.255.255/32", "::", "::/0", "1:2:3:4:5:6:7:8",
                "1::", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "ABCD::ef/64", "10.0.0.0/08")) {
            assertTrue(AddressRanges.Range.parse(good) != null, good);
        }
    }

    @Test
    void clientTextThatIsNoAddressIsRefused() {
        ClientAccess denyOnly = new Read("denylist-source-range", "192.0.2.1").access;
        for (String odd : List.of("", "localhost", "[::1", "/tmp/socket", "1.2.3.4:80")) {
            assertFalse(denyOnly.admits(odd), odd);
        }
        assertFalse(denyOnly.admits(null));
        assertTrue(ClientAccess.ANY.admits("anything"));
    }

    @Test
    void anIngressWithoutSourceRangesHasNoPolicyAndTheOthersAreReportedAsWarnings() {
        Ingress limited = Ingress.builder("default", "limited").creationTimestamp(Instant.ofEpochSecond(1))
                .annotation(NGINX + "whitelist-source-range", "10.0.0.0/8, nonsense")
                .rule(rule("a.example.com", prefix("/", backend("web"))))
                .build();

        RouteTable table = compile(limited, ingress("open", 2, rule("b.example.com", prefix("/", backend("web")))));

        Route a = assertInstanceOf(Route.class, table.match("a.example.com", "/"));
        Route b = assertInstanceOf(Route.class, table.match("b.example.com", "/"));
        assertEquals(List.of("clients only from 10.0.0.0/8 (whitelist-source-range)"), a.policy().describe());
        assertFalse(a.policy().clientAccess().admits("127.0.0.1"));
        assertSame(RoutePolicy.NONE, b.policy());
        assertSame(ClientAccess.ANY, b.policy().clientAccess());
        assertEquals(1, table.problems().size(), table.problems().toString());
        Problem problem = table.problems().get(0);
        assertEquals(Problem.Severity.WARNING, problem.severity());
        assertEquals("default/limited", problem.object());
        assertEquals("metadata.annotations", problem.field());
        assertTrue(problem.message().startsWith(NGINX + "whitelist-source-range: \"10.0.0.0/8, nonsense\": \"nonsense\""),
                problem.message());
    }

    @Test
    void admittingAClientAllocatesNothing() {
        ClientAccess access = new Read("allowlist-source-range", "10.0.0.0/8, 192.168.1.7, 2001:db8::/32",
                "denylist-source-range", "10.9.0.0/16, 2001:db8:9::/48").access;
        String[] clients = {"10.1.2.3", "10.9.1.1", "127.0.0.1", "[2001:db8:0:0:0:0:0:1]", "[2001:db8:9:0:0:0:0:1]",
            "::ffff:192.168.1.7", "[0:0:0:0:0:0:0:1]"};
        int expected = 0;
        for (String client : clients) {
            expected += access.admits(client) ? 1 : 0;
        }
        assertEquals(3, expected);
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        long id = Thread.currentThread().getId();
        int admitted = 0;
        for (int i = 0; i < 20_000; i++) {
            for (String client : clients) {
                admitted += access.admits(client) ? 1 : 0;
            }
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            for (String client : clients) {
                admitted += access.admits(client) ? 1 : 0;
            }
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(3 * 120_000, admitted);
        assertTrue(allocated < 64 * 1024, "admitting allocated " + allocated + " bytes");
    }
}
