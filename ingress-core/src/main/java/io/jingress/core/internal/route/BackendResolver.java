package io.jingress.core.internal.route;

import io.jingress.core.internal.net.Ipv4Text;
import io.jingress.core.lb.Balancers;
import io.jingress.core.lb.Endpoint;
import io.jingress.core.model.ClusterState;
import io.jingress.core.model.EndpointSlice;
import io.jingress.core.model.Endpoints;
import io.jingress.core.model.PortRef;
import io.jingress.core.model.Problem;
import io.jingress.core.model.Service;
import io.jingress.core.route.Backend.Status;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Resolves a Service port to ready endpoints: Service port by number or name, then its targetPort
 * (default: the port number), then the EndpointSlice port with the Service port's name. Only TCP
 * ports count, of the Service and of its EndpointSlices: Ingress traffic is TCP. Only
 * endpoints whose {@code ready} condition is not false are used. A Service without any
 * EndpointSlice falls back to its legacy v1 Endpoints; an ExternalName Service resolves to its DNS
 * name at the Service port's numeric targetPort (else the port; the backend's port number when the
 * Service lists no such port), unless {@link ExternalNames} refuses the name (the local host, a
 * loopback or link-local address, or what is neither a DNS name nor a dotted-quad IPv4 address).
 *
 * <p>A port number outside 1 to 65535 (a Service's {@code port} or numeric {@code targetPort}, an
 * EndpointSlice's or Endpoints' {@code port}) is one of {@link #problems()}, naming the object, the
 * field and the value, and that port is skipped: the rest of the object serves. So is an address
 * of an EndpointSlice of type FQDN that is a number an ExternalName may not be
 * ({@link ExternalNames#fqdnAddressRefusal}, {@code 127.0.0.1} or {@code 127.1}): that endpoint
 * gets no traffic.
 */
public final class BackendResolver {
    private final Balancers balancers;
    private final Map<String, Service> services = new HashMap<>();
    private final Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
    private final Map<String, Endpoints> legacyByService = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    /** The endpoints of FQDN slices whose address is refused (see checkFqdnAddresses), by identity. */
    private final Set<EndpointSlice.Endpoint> refusedEndpoints = Collections.newSetFromMap(new IdentityHashMap<>());

    public BackendResolver(ClusterState state, Balancers balancers) {
        this.balancers = Objects.requireNonNull(balancers, "balancers");
        for (Service service : state.services()) {
            services.put(service.key(), service);
            checkPorts(service);
        }
        for (EndpointSlice slice : state.endpointSlices()) {
            checkPorts("EndpointSlice", slice.key(), "", slice.ports());
            checkFqdnAddresses(slice);
            if (slice.serviceName() != null) {
                slicesByService.computeIfAbsent(slice.namespace() + "/" + slice.serviceName(), k -> new ArrayList<>())
                        .add(slice);
            }
        }
        for (Endpoints legacy : state.endpoints()) {
            legacyByService.put(legacy.key(), legacy);
            for (int s = 0; s < legacy.subsets().size(); s++) {
                checkPorts("Endpoints", legacy.key(), "subsets[" + s + "].", legacy.subsets().get(s).ports());
            }
        }
    }

    /**
     * The ports out of range and the refused FQDN addresses in the state, one WARNING each; their
     * objects serve without them.
     */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** Whether {@code number} is a TCP port number, 1 to 65535. */
    static boolean isPortNumber(int number) {
        return number >= 1 && number <= 65535;
    }

    private void checkPorts(Service service) {
        for (int i = 0; i < service.ports().size(); i++) {
            Service.Port port = service.ports().get(i);
            String field = "spec.ports[" + i + "]";
            if (!isPortNumber(port.port())) {
                reportBadPort("Service", service.key(), field + ".port", port.port());
            } else if (!isUsable(port)) {
                reportBadPort("Service", service.key(), field + ".targetPort", port.targetPort().number());
            }
        }
    }

    private void checkPorts(String kind, String key, String prefix, List<EndpointSlice.Port> ports) {
        for (int i = 0; i < ports.size(); i++) {
            EndpointSlice.Port port = ports.get(i);
            if (port.port() != null && !isPortNumber(port.port())) {
                reportBadPort(kind, key, prefix + "ports[" + i + "].port", port.port());
            }
        }
    }

    // an address of an FQDN slice that is a number in disguise: reported once here, skipped in fromSlices
    private void checkFqdnAddresses(EndpointSlice slice) {
        if (!"FQDN".equals(slice.addressType())) {
            return;
        }
        for (int i = 0; i < slice.endpoints().size(); i++) {
            EndpointSlice.Endpoint endpoint = slice.endpoints().get(i);
            List<String> addresses = endpoint.addresses();
            if (!addresses.isEmpty()) {
                String refusal = ExternalNames.fqdnAddressRefusal(addresses.get(0));
                if (refusal != null) {
                    refusedEndpoints.add(endpoint);
                    problems.add(Problem.warning("EndpointSlice", slice.key(), "endpoints[" + i + "].addresses[0]",
                            "\"" + addresses.get(0) + "\" " + refusal + ": this endpoint gets no traffic"));
                }
            }
        }
    }

    private void reportBadPort(String kind, String key, String field, int value) {
        problems.add(Problem.warning(kind, key, field, value + " is not a port number (1 to 65535): this port is"
                + " not served"));
    }

    /** The Service {@code namespace/name}, or null when there is none. */
    public Service service(String namespace, String name) {
        return services.get(namespace + "/" + name);
    }

    /** Resolves {@code namespace/serviceName} at {@code port}. */
    public Resolution resolve(String namespace, String serviceName, PortRef port) {
        String serviceKey = namespace + "/" + serviceName;
        Service service = services.get(serviceKey);
        if (service == null) {
            return Resolution.failed(Status.SERVICE_NOT_FOUND, "service " + serviceKey + " not found");
        }
        Service.Port servicePort = findPort(service, port);
        if (servicePort != null && !isTcp(servicePort.protocol())) {
            return Resolution.failed(Status.PORT_NOT_FOUND, "service " + serviceKey + " port " + describe(servicePort)
                    + " is " + servicePort.protocol() + ": an Ingress routes TCP only");
        }
        if (service.isExternalName()) {
            return resolveExternalName(service, port, servicePort);
        }
        if (servicePort == null) {
            return Resolution.failed(Status.PORT_NOT_FOUND, "service " + serviceKey + " has no port " + describe(port)
                    + " (ports: " + describePorts(service) + ")");
        }
        List<EndpointSlice> slices = slicesByService.get(serviceKey);
        if (slices != null) {
            return fromSlices(service, servicePort, slices);
        }
        Endpoints legacy = legacyByService.get(serviceKey);
        if (legacy != null) {
            return fromLegacy(service, servicePort, legacy);
        }
        return Resolution.failed(Status.NO_READY_ENDPOINTS,
                "service " + serviceKey + " has no EndpointSlices or Endpoints (does its selector match any Pod?)");
    }

    /**
     * Resolves {@code namespace/serviceName} at {@code port} to the Service's ClusterIP and port, one
     * endpoint that kube-proxy balances ({@code service-upstream}); as {@link #resolve} (the
     * endpoints) when the Service has no ClusterIP to send to, and then {@code refusals} gets a
     * sentence saying why. A Service or port that is not there is {@link #resolve}'s to report.
     */
    public Resolution resolveClusterIp(String namespace, String serviceName, PortRef port, List<String> refusals) {
        Service service = services.get(namespace + "/" + serviceName);
        Service.Port servicePort = service == null ? null : findPort(service, port);
        if (service == null || servicePort == null || !isTcp(servicePort.protocol()) || !isPortNumber(servicePort.port())) {
            return resolve(namespace, serviceName, port);
        }
        String clusterIP = service.clusterIP();
        String refusal = service.isExternalName() ? "is an ExternalName Service, which has no ClusterIP"
                : clusterIP == null ? "has no spec.clusterIP"
                : clusterIP.equals("None") ? "is headless (clusterIP: None)"
                : !isIpAddress(clusterIP) ? "has a spec.clusterIP \"" + clusterIP + "\" that is not an IP address"
                : null;
        if (refusal != null) {
            refusals.add("service " + service.key() + " " + refusal + ": its endpoints are used");
            return resolve(namespace, serviceName, port);
        }
        Endpoint endpoint = balancers.endpoint(clusterIP, servicePort.port(), null, null, 1);
        return new Resolution(Status.READY, "ClusterIP " + clusterIP + ":" + servicePort.port() + " (service-upstream)",
                List.of(endpoint));
    }

    /** A canonical dotted quad, or an IPv6 address's characters (the API server writes ClusterIPs so). */
    private static boolean isIpAddress(String address) {
        return Ipv4Text.parse(address) >= 0 || address.indexOf(':') >= 0 && address.chars().allMatch(
                c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    }

    private Resolution resolveExternalName(Service service, PortRef port, Service.Port servicePort) {
        String externalName = service.externalName();
        if (externalName == null || externalName.isEmpty()) {
            return Resolution.failed(Status.NO_READY_ENDPOINTS,
                    "ExternalName service " + service.key() + " has no spec.externalName");
        }
        String refusal = ExternalNames.refusal(externalName);
        if (refusal != null) {
            return Resolution.failed(Status.NO_READY_ENDPOINTS, "ExternalName service " + service.key()
                    + ": spec.externalName \"" + externalName + "\" " + refusal);
        }
        int number;
        if (servicePort != null) {
            // a numeric targetPort, as ingress-nginx uses; a named one names a port of a Pod, and an
            // ExternalName Service has none, so then the Service port itself
            PortRef target = servicePort.effectiveTargetPort();
            number = target.isNumber() ? target.number() : servicePort.port();
        } else if (port.isNumber()) {
            number = port.number();
        } else {
            return Resolution.failed(Status.PORT_NOT_FOUND, "ExternalName service " + service.key()
                    + " has no port named \"" + port.name() + "\"");
        }
        if (!isPortNumber(number)) {  // the validator refuses such an Ingress port; never let it throw here
            return Resolution.failed(Status.PORT_NOT_FOUND, "ExternalName service " + service.key() + ": " + number
                    + " is not a port number (1 to 65535)");
        }
        Endpoint endpoint = balancers.endpoint(externalName, number, null, null, 1);
        return new Resolution(Status.READY, "ExternalName " + externalName + ":" + number, List.of(endpoint));
    }

    private Resolution fromSlices(Service service, Service.Port servicePort, List<EndpointSlice> slices) {
        PortRef target = servicePort.effectiveTargetPort();
        Map<String, Endpoint> ready = new LinkedHashMap<>();
        int notReady = 0;
        boolean portFound = false;
        for (EndpointSlice slice : slices) {
            Integer number = slicePort(slice.ports(), servicePort.name(), target);
            if (number == null) {
                continue;
            }
            portFound = true;
            for (EndpointSlice.Endpoint endpoint : slice.endpoints()) {
                if (endpoint.addresses().isEmpty()) {
                    continue;
                }
                if (!endpoint.receivesTraffic()) {
                    notReady++;
                    continue;
                }
                if (refusedEndpoints.contains(endpoint)) {
                    continue;  // reported as a problem of the slice
                }
                Endpoint resolved = balancers.endpoint(endpoint.addresses().get(0), number, endpoint.zone(),
                        endpoint.targetName(), 1);
                ready.putIfAbsent(resolved.id(), resolved);
            }
        }
        if (!portFound) {
            return Resolution.failed(Status.PORT_NOT_FOUND, "service " + service.key() + " port "
                    + describe(servicePort) + ": targetPort " + describe(target)
                    + " is not a port of its EndpointSlices");
        }
        return readyOrNot(service, servicePort, ready, notReady);
    }

    private Resolution fromLegacy(Service service, Service.Port servicePort, Endpoints legacy) {
        PortRef target = servicePort.effectiveTargetPort();
        Map<String, Endpoint> ready = new LinkedHashMap<>();
        int notReady = 0;
        boolean portFound = false;
        for (Endpoints.Subset subset : legacy.subsets()) {
            Integer number = slicePort(subset.ports(), servicePort.name(), target);
            if (number == null) {
                continue;
            }
            portFound = true;
            notReady += subset.notReadyAddresses().size();
            for (String address : subset.addresses()) {
                Endpoint resolved = balancers.endpoint(address, number, null, null, 1);
                ready.putIfAbsent(resolved.id(), resolved);
            }
        }
        if (!portFound) {
            return Resolution.failed(Status.PORT_NOT_FOUND, "service " + service.key() + " port "
                    + describe(servicePort) + ": targetPort " + describe(target) + " is not a port of its Endpoints");
        }
        return readyOrNot(service, servicePort, ready, notReady);
    }

    private static Resolution readyOrNot(Service service, Service.Port servicePort, Map<String, Endpoint> ready,
            int notReady) {
        if (ready.isEmpty()) {
            return Resolution.failed(Status.NO_READY_ENDPOINTS, "service " + service.key() + " port "
                    + describe(servicePort) + " has no ready endpoints" + (notReady > 0 ? " (" + notReady
                    + " not ready)" : ""));
        }
        return new Resolution(Status.READY, ready.size() + " ready endpoint" + (ready.size() == 1 ? "" : "s")
                + (notReady > 0 ? ", " + notReady + " not ready" : ""), new ArrayList<>(ready.values()));
    }

    /**
     * The endpoint port for a Service port: the TCP slice port with the Service port's name; a slice
     * without ports uses a numeric targetPort as is. {@code null} when not found.
     */
    private static Integer slicePort(List<EndpointSlice.Port> ports, String servicePortName, PortRef target) {
        if (ports.isEmpty()) {
            return target.isNumber() ? target.number() : null;
        }
        String wanted = servicePortName == null ? "" : servicePortName;
        for (EndpointSlice.Port port : ports) {
            String name = port.name() == null ? "" : port.name();
            if (name.equals(wanted) && usable(port)) {
                return port.port();
            }
        }
        // a hand-written slice may name its port after the Pod's port, i.e. the named targetPort
        if (!target.isNumber()) {
            for (EndpointSlice.Port port : ports) {
                if (target.name().equals(port.name()) && usable(port)) {
                    return port.port();
                }
            }
        }
        return null;
    }

    private static boolean usable(EndpointSlice.Port port) {
        return port.port() != null && isPortNumber(port.port()) && isTcp(port.protocol());
    }

    /** A Service port whose port and numeric targetPort are port numbers. */
    private static boolean isUsable(Service.Port port) {
        PortRef target = port.targetPort();
        return isPortNumber(port.port()) && (target == null || !target.isNumber() || isPortNumber(target.number()));
    }

    /**
     * The Service port asked for: a TCP one if any (a number may be both a UDP and a TCP port),
     * else one of another protocol, for the caller to refuse; {@code null} when none.
     */
    private static Service.Port findPort(Service service, PortRef port) {
        Service.Port notTcp = null;
        for (Service.Port candidate : service.ports()) {
            if (!isUsable(candidate)) {
                continue;
            }
            if (port.isNumber() ? candidate.port() == port.number() : port.name().equals(candidate.name())) {
                if (isTcp(candidate.protocol())) {
                    return candidate;
                }
                notTcp = notTcp == null ? candidate : notTcp;
            }
        }
        return notTcp;
    }

    /** Ingress traffic is TCP: UDP and SCTP ports are never its target. */
    private static boolean isTcp(String protocol) {
        return protocol == null || protocol.equalsIgnoreCase("TCP");
    }

    private static String describe(PortRef port) {
        return port.isNumber() ? Integer.toString(port.number()) : "\"" + port.name() + "\"";
    }

    private static String describe(Service.Port port) {
        return port.name() == null || port.name().isEmpty() ? Integer.toString(port.port())
                : port.port() + " (\"" + port.name() + "\")";
    }

    private static String describePorts(Service service) {
        String ports = service.ports().stream()
                .filter(BackendResolver::isUsable)
                .map(p -> (p.name() == null || p.name().isEmpty() ? Integer.toString(p.port()) : p.name() + ":" + p.port())
                        + (isTcp(p.protocol()) ? "" : "/" + p.protocol()))
                .collect(Collectors.joining(", "));
        return ports.isEmpty() ? "none" : ports;
    }
}
