package io.jingress.core.model;

import java.util.List;
import java.util.Objects;

/**
 * The legacy v1 Endpoints of a Service (same name as the Service). Used when a Service has no
 * EndpointSlice, e.g. in manifest files written by hand.
 *
 * @param namespace the namespace
 * @param name the name, which is the Service's name
 * @param subsets the subsets
 */
public record Endpoints(String namespace, String name, List<Subset> subsets) {

    public Endpoints {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        subsets = subsets == null ? List.of() : List.copyOf(subsets);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /**
     * A subset: ready addresses, not-ready addresses, and their ports.
     */
    public record Subset(List<String> addresses, List<String> notReadyAddresses, List<EndpointSlice.Port> ports) {

        public Subset {
            addresses = addresses == null ? List.of() : List.copyOf(addresses);
            notReadyAddresses = notReadyAddresses == null ? List.of() : List.copyOf(notReadyAddresses);
            ports = ports == null ? List.of() : List.copyOf(ports);
        }
    }
}
