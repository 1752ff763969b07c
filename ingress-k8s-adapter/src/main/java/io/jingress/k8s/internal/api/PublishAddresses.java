package io.jingress.k8s.internal.api;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The addresses written into {@code status.loadBalancer.ingress}.
 *
 * <p>From {@code --publish-status-address}: a comma-separated list; IP literals become {@code ip},
 * anything else {@code hostname}. From the Service named by {@code --publish-service}, as
 * ingress-nginx does: its {@code status.loadBalancer.ingress} (ip or hostname) and
 * {@code spec.externalIPs}; when it has neither, an ExternalName Service gives its
 * {@code externalName} and any other its {@code clusterIP} (not {@code None}). A Service that is
 * missing gives no address, and then no status is written (nor cleared).
 */
public final class PublishAddresses {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private PublishAddresses() {
    }

    /** Parses {@code --publish-status-address}. */
    public static List<IngressLoadBalancerIngress> parse(String commaSeparated) {
        List<IngressLoadBalancerIngress> out = new ArrayList<>();
        if (commaSeparated == null) {
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String part : commaSeparated.split(",")) {
            String a = part.trim();
            if (!a.isEmpty() && seen.add(a)) {
                out.add(of(a));
            }
        }
        return out;
    }

    /** The addresses a Service publishes; empty for a null Service. */
    public static List<IngressLoadBalancerIngress> fromService(Service service) {
        List<IngressLoadBalancerIngress> out = new ArrayList<>();
        if (service == null) {
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        if (service.getStatus() != null && service.getStatus().getLoadBalancer() != null
                && service.getStatus().getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress lb : service.getStatus().getLoadBalancer().getIngress()) {
                String a = lb.getIp() != null && !lb.getIp().isEmpty() ? lb.getIp() : lb.getHostname();
                if (a != null && !a.isEmpty() && seen.add(a)) {
                    out.add(of(a));
                }
            }
        }
        if (service.getSpec() != null) {
            if (service.getSpec().getExternalIPs() != null) {
                for (String ip : service.getSpec().getExternalIPs()) {
                    if (ip != null && !ip.isEmpty() && seen.add(ip)) {
                        out.add(of(ip));
                    }
                }
            }
            if (out.isEmpty()) {
                String type = service.getSpec().getType();
                if ("ExternalName".equals(type) && service.getSpec().getExternalName() != null) {
                    out.add(of(service.getSpec().getExternalName()));
                } else {
                    String clusterIp = service.getSpec().getClusterIP();
                    if (clusterIp != null && !clusterIp.isEmpty() && !"None".equals(clusterIp)) {
                        out.add(of(clusterIp));
                    }
                }
            }
        }
        return out;
    }

    static IngressLoadBalancerIngress of(String address) {
        IngressLoadBalancerIngress lb = new IngressLoadBalancerIngress();
        if (isIp(address)) {
            lb.setIp(address);
        } else {
            lb.setHostname(address);
        }
        return lb;
    }

    private static boolean isIp(String s) {
        return IPV4.matcher(s).matches() || s.indexOf(':') >= 0;
    }

    /** The addresses of a status list as comparable strings, ports ignored. */
    public static Set<String> keys(List<IngressLoadBalancerIngress> list) {
        Set<String> out = new LinkedHashSet<>();
        if (list != null) {
            for (IngressLoadBalancerIngress lb : list) {
                out.add(lb.getIp() != null ? "ip:" + lb.getIp() : "hostname:" + lb.getHostname());
            }
        }
        return out;
    }
}
