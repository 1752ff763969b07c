package io.jingress.core.lb;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A request as a balancer sees it, for tests; remembers the affinity cookie it was given. */
final class TestRequest implements PickContext {
    private final Map<String, String> headers = new HashMap<>();
    private final Map<String, String> cookies = new HashMap<>();
    private final Set<Endpoint> excluded = new HashSet<>();
    private String clientAddress = "192.0.2.1";
    private String uri = "/";
    String cookieSetName;
    String cookieSetValue;

    static TestRequest create() {
        return new TestRequest();
    }

    TestRequest header(String name, String value) {
        headers.put(name.toLowerCase(), value);
        return this;
    }

    TestRequest cookie(String name, String value) {
        cookies.put(name, value);
        return this;
    }

    TestRequest client(String address) {
        this.clientAddress = address;
        return this;
    }

    TestRequest uri(String uri) {
        this.uri = uri;
        return this;
    }

    TestRequest exclude(Endpoint... endpoints) {
        excluded.addAll(Set.of(endpoints));
        return this;
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase());
    }

    @Override
    public String cookie(String name) {
        return cookies.get(name);
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public boolean excluded(Endpoint endpoint) {
        return excluded.contains(endpoint);
    }

    @Override
    public void setAffinityCookie(String name, String value) {
        cookieSetName = name;
        cookieSetValue = value;
    }
}
