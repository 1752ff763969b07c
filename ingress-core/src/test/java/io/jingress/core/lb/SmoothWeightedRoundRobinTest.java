package io.jingress.core.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinTest {
    private final Balancers balancers = Balancers.builder().nanoClock(new FakeClock()).seed(1).build();
    private final Endpoint a = balancers.endpoint("10.0.0.1", 80, null, "a", 5);
    private final Endpoint b = balancers.endpoint("10.0.0.2", 80, null, "b", 1);
    private final Endpoint c = balancers.endpoint("10.0.0.3", 80, null, "c", 1);

    private String picks(LoadBalancer lb, int count, PickContext context) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < count; i++) {
            names.append(lb.pick(context).targetName());
        }
        return names.toString();
    }

    @Test
    void weightsFiveOneOneGiveNginxsSmoothSequence() {
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.of(Strategy.WEIGHTED_ROUND_ROBIN),
                List.of(a, b, c));
        assertEquals("aabacaa" + "aabacaa", picks(lb, 14, PickContext.NONE));
    }

    @Test
    void theTurnsOfAnExcludedHeavyEndpointAreSharedByTheOthers() {
        LoadBalancer lb = balancers.balancer("default/web:80", BalancerPolicy.of(Strategy.WEIGHTED_ROUND_ROBIN),
                List.of(a, b, c));
        String picked = picks(lb, 700, TestRequest.create().exclude(a));
        long bs = picked.chars().filter(ch -> ch == 'b').count();
        long cs = picked.chars().filter(ch -> ch == 'c').count();
        assertEquals(700, bs + cs);
        assertTrue(bs > 250 && cs > 250, "b " + bs + ", c " + cs);
    }

    @Test
    void equalWeightsAreAnEvenRoundRobin() {
        Endpoint d = balancers.endpoint("10.0.0.4", 80, null, "d", 1);
        LoadBalancer lb = balancers.balancer("default/even:80", BalancerPolicy.of(Strategy.WEIGHTED_ROUND_ROBIN),
                List.of(b, c, d));
        assertEquals("bcdbcd", picks(lb, 6, PickContext.NONE));
    }
}
