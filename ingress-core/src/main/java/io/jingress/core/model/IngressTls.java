package io.jingress.core.model;

import java.util.List;

/**
 * One entry of an Ingress's {@code spec.tls}: hosts served with the certificate of a Secret.
 *
 * @param hosts the hosts (may be empty)
 * @param secretName the Secret in the Ingress's namespace, or {@code null}
 */
public record IngressTls(List<String> hosts, String secretName) {

    public IngressTls {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }
}
