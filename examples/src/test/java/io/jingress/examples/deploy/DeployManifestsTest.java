package io.jingress.examples.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.jingress.examples.internal.cli.Command;
import io.jingress.examples.internal.cli.CommandLine;
import io.jingress.examples.internal.cli.Mode;
import io.jingress.examples.internal.cli.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DeployManifestsTest {

    private final List<HasMetadata> objects = DeployFiles.controllerObjects();
    private final Deployment deployment = DeployFiles.find(objects, Deployment.class, "jingress");
    private final Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    private Options options() throws Exception {
        return assertInstanceOf(Command.Run.class, CommandLine.parse(container.getArgs().toArray(String[]::new)))
                .options();
    }

    private int containerPort(String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError("the container has no port named " + name));
    }

    @Test
    void everyFileInDeployParsesWithoutUnknownFields() {
        List<Path> files = DeployFiles.files();
        assertTrue(files.size() >= 3, files::toString);
        for (Path file : files) {
            List<HasMetadata> parsed = DeployFiles.parse(file);
            assertFalse(parsed.isEmpty(), file::toString);
            for (HasMetadata object : parsed) {
                String where = DeployFiles.DIR.relativize(file) + ": " + object.getKind() + " "
                        + object.getMetadata().getName();
                assertFalse(object.getMetadata().getName().isEmpty(), where);
                assertEquals(List.of(), DeployFiles.unknownFields(object, where), "unknown fields");
            }
        }
    }

    @Test
    void theDeploymentsArgumentsAreAcceptedByTheCommandLine() throws Exception {
        Options options = options();
        assertEquals(Mode.CLUSTER, options.mode());
        assertTrue(options.inCluster());
        assertEquals(containerPort("http"), options.httpPort());
        assertEquals(containerPort("https"), options.httpsPort());
        assertEquals(containerPort("admin"), options.adminPort());
    }

    @Test
    void theProbesReachTheAdminPortFromOutsideThePod() throws Exception {
        assertEquals("0.0.0.0", options().adminAddress(), "the kubelet probes the Pod IP, not 127.0.0.1");
        for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe())) {
            assertEquals("/healthz", probe.getHttpGet().getPath());
            assertEquals("admin", probe.getHttpGet().getPort().getStrVal());
        }
    }

    @Test
    void theNodePortServiceSendsHttpAndHttpsToTheContainersPorts() throws Exception {
        Service service = DeployFiles.find(objects, Service.class, "jingress");
        assertEquals("NodePort", service.getSpec().getType());
        Map<Integer, String> targets = service.getSpec().getPorts().stream()
                .collect(Collectors.toMap(ServicePort::getPort, p -> p.getTargetPort().getStrVal()));
        assertEquals(Map.of(80, "http", 443, "https"), targets);
        assertEquals(deployment.getSpec().getTemplate().getMetadata().getLabels(), service.getSpec().getSelector());
        assertEquals(service.getMetadata().getNamespace() + "/" + service.getMetadata().getName(),
                options().publishService());
        assertEquals(30880, service.getSpec().getPorts().get(0).getNodePort(), "the walkthrough's NodePort");
    }

    @Test
    void theIngressClassIsOursAndTheDefault() throws Exception {
        IngressClass ingressClass = DeployFiles.find(objects, IngressClass.class, options().ingressClass());
        assertEquals(options().controllerClass(), ingressClass.getSpec().getController());
        assertEquals("true", ingressClass.getMetadata().getAnnotations()
                .get("ingressclass.kubernetes.io/is-default-class"));
    }

    @Test
    void theControllerRunsAsNonRootOnAReadOnlyRootWithoutCapabilities() throws IOException {
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        assertTrue(container.getResources().getRequests().containsKey("cpu"));
        assertTrue(container.getResources().getRequests().containsKey("memory"));
        String dockerfile = Files.readString(DeployFiles.DIR.resolveSibling("Dockerfile"));
        long uid = pod.getSecurityContext().getRunAsUser();
        assertTrue(dockerfile.lines().anyMatch(l -> l.equals("USER " + uid + ":" + uid)),
                "the Dockerfile's USER is the Deployment's runAsUser " + uid);
    }

    @Test
    void theServiceAccountIsBoundInTheControllersNamespace() {
        String namespace = deployment.getMetadata().getNamespace();
        DeployFiles.find(objects, Namespace.class, namespace);
        String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        for (var subjects : List.of(DeployFiles.find(objects, ClusterRoleBinding.class, "jingress").getSubjects(),
                DeployFiles.find(objects, RoleBinding.class, "jingress-leader-election").getSubjects())) {
            assertEquals(account, subjects.get(0).getName());
            assertEquals(namespace, subjects.get(0).getNamespace());
        }
    }
}
