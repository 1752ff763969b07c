package io.jingress.k8s.internal.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label selectors as kubectl -l and ingress-nginx's --watch-namespace-selector read them. */
class NamespaceSelectorTest {

    @Test
    void equalityAndSetRequirementsAllHold() {
        NamespaceSelector selector = NamespaceSelector.parse("team=shop, env in (prod, staging),tier!=batch");

        assertTrue(selector.matches(Map.of("team", "shop", "env", "prod")));
        assertTrue(selector.matches(Map.of("team", "shop", "env", "staging", "tier", "web")));
        assertFalse(selector.matches(Map.of("team", "shop", "env", "prod", "tier", "batch")));
        assertFalse(selector.matches(Map.of("team", "blog", "env", "prod")));
        assertFalse(selector.matches(Map.of("team", "shop")), "env must be there for in");
        assertFalse(selector.matches(null));
    }

    @Test
    void existenceNotinAndDoubleEqualsReadAsKubernetesReadsThem() {
        assertTrue(NamespaceSelector.parse("example.com/ingress").matches(Map.of("example.com/ingress", "")));
        assertFalse(NamespaceSelector.parse("example.com/ingress").matches(Map.of()));
        assertTrue(NamespaceSelector.parse("!legacy").matches(Map.of("team", "a")));
        assertFalse(NamespaceSelector.parse("!legacy").matches(Map.of("legacy", "true")));
        assertTrue(NamespaceSelector.parse("env notin (dev)").matches(Map.of()), "notin holds without the key");
        assertFalse(NamespaceSelector.parse("env notin (dev)").matches(Map.of("env", "dev")));
        assertTrue(NamespaceSelector.parse("team==shop").matches(Map.of("team", "shop")));
        assertEquals("team==shop", NamespaceSelector.parse(" team==shop ").toString());
    }

    @Test
    void whatIsNoSelectorIsRefusedSayingWhy() {
        assertEquals("\"\" selects nothing: give at least one requirement, such as team=shop",
                assertThrows(IllegalArgumentException.class, () -> NamespaceSelector.parse("")).getMessage());
        assertEquals("\"env in (prod\" has no closing parenthesis",
                assertThrows(IllegalArgumentException.class, () -> NamespaceSelector.parse("env in (prod")).getMessage());
        assertEquals("\"team=shop,,x\" has an empty requirement between commas",
                assertThrows(IllegalArgumentException.class, () -> NamespaceSelector.parse("team=shop,,x")).getMessage());
        assertEquals("\"te am=shop\": \"te am\" is no label key",
                assertThrows(IllegalArgumentException.class, () -> NamespaceSelector.parse("te am=shop")).getMessage());
        assertEquals("\"team=sh op\": \"sh op\" is no label value",
                assertThrows(IllegalArgumentException.class, () -> NamespaceSelector.parse("team=sh op")).getMessage());
    }
}
