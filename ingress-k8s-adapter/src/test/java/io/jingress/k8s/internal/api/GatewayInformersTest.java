package io.jingress.k8s.internal.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import org.junit.jupiter.api.Test;

/** Which Gateway API updates rebuild: our own status writes must not, or the leader would write in a loop. */
class GatewayInformersTest {

    private static HTTPRoute route(String hostname) {
        return new HTTPRouteBuilder().withNewMetadata().withName("shop").withNamespace("shop").withGeneration(1L)
                .endMetadata().withNewSpec().addNewParentRef().withName("web").endParentRef().withHostnames(hostname)
                .endSpec().build();
    }

    @Test
    void anUpdateOfAnHttpRoutesOrGatewaysStatusAloneCausesNoRebuild() {
        HTTPRoute before = route("shop.example.com");
        HTTPRoute withStatus = new HTTPRouteBuilder(before).withNewStatus().addNewParent()
                .withControllerName("jingress.io/gateway-controller").withNewParentRef().withName("web").endParentRef()
                .withConditions(new ConditionBuilder().withType("Accepted").withStatus("True").withReason("Accepted")
                        .build()).endParent().endStatus().editMetadata().withResourceVersion("2").endMetadata().build();
        assertFalse(GatewayInformers.specChanged(before, withStatus));
        assertTrue(GatewayInformers.specChanged(before, route("cart.example.com")));

        Gateway gateway = new GatewayBuilder().withNewMetadata().withName("web").withNamespace("infra").endMetadata()
                .withNewSpec().withGatewayClassName("jingress").addNewListener().withName("http").withPort(80)
                .withProtocol("HTTP").endListener().endSpec().build();
        Gateway gatewayWithStatus = new GatewayBuilder(gateway).withNewStatus().addNewListener().withName("http")
                .withAttachedRoutes(1).endListener().endStatus().build();
        assertFalse(GatewayInformers.specChanged(gateway, gatewayWithStatus));
    }
}
