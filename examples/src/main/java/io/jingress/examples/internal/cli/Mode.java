package io.jingress.examples.internal.cli;

/** Where the routes come from. */
public enum Mode {
    /** No mode flag: the kubia walkthrough on this machine, pods included. */
    DEMO,
    /** {@code --manifests PATH}: Kubernetes objects in YAML or JSON files, reloaded when they change. */
    FILES,
    /** {@code --kubeconfig PATH} or {@code --in-cluster}: the Kubernetes API. */
    CLUSTER
}
