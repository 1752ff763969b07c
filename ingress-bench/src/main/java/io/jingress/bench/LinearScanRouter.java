package io.jingress.bench;

import io.jingress.core.model.HttpIngressPath;
import io.jingress.core.model.Ingress;
import io.jingress.core.model.IngressRule;
import io.jingress.core.model.PathType;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline: the same Ingress semantics as the compiled router, done the straightforward way,
 * trying every rule in turn for every request (as Envoy's route list or Spring Cloud Gateway's
 * predicates do). Allocation-free like the compiled router, so the comparison is about the
 * algorithm, not the garbage.
 *
 * <p>Precedence: the rules of the request's exact host if it has any, else those of the wildcard
 * matching it, else the rules without host; within them the longest path wins and on equal length
 * Exact beats Prefix. Assumes a configuration without conflicts (the generated ones have none).
 */
public final class LinearScanRouter {
    private static final int EXACT_HOST = 0;
    private static final int WILDCARD_HOST = 1;
    private static final int ANY_HOST = 2;

    private final String[] hosts;      // lower case; "*.foo.com"; null = any host
    private final String[] paths;      // Prefix paths without a trailing slash (except "/"); Exact as written
    private final boolean[] exact;
    private final String[] ingressKeys;
    private final int[] ruleIndexes;
    private final int[] pathIndexes;

    public LinearScanRouter(List<Ingress> ingresses) {
        List<Object[]> rows = new ArrayList<>();
        for (Ingress ingress : ingresses) {
            for (int r = 0; r < ingress.rules().size(); r++) {
                IngressRule rule = ingress.rules().get(r);
                for (int p = 0; p < rule.paths().size(); p++) {
                    HttpIngressPath path = rule.paths().get(p);
                    rows.add(new Object[] {rule.host() == null ? null : rule.host().toLowerCase(java.util.Locale.ROOT),
                        path.pathType() == PathType.EXACT ? path.path() : trimSlash(path.path()),
                        path.pathType() == PathType.EXACT, ingress.key(), r, p});
                }
            }
        }
        int n = rows.size();
        hosts = new String[n];
        paths = new String[n];
        exact = new boolean[n];
        ingressKeys = new String[n];
        ruleIndexes = new int[n];
        pathIndexes = new int[n];
        for (int i = 0; i < n; i++) {
            Object[] row = rows.get(i);
            hosts[i] = (String) row[0];
            paths[i] = (String) row[1];
            exact[i] = (Boolean) row[2];
            ingressKeys[i] = (String) row[3];
            ruleIndexes[i] = (Integer) row[4];
            pathIndexes[i] = (Integer) row[5];
        }
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The index of the matching rule, or -1. */
    public int match(String host, String path) {
        int hostEnd = hostEnd(host);
        int pathEnd = path.length() > 1 && path.charAt(path.length() - 1) == '/' ? path.length() - 1 : path.length();
        int best = -1;
        int bestTier = 3;
        int bestLength = -1;
        boolean bestExact = false;
        int presentTier = 3;          // the most specific host tier that has any rule for this host
        for (int i = 0; i < hosts.length; i++) {
            int tier = hostTier(hosts[i], host, hostEnd);
            if (tier > presentTier || tier == 3) {
                continue;
            }
            if (tier < presentTier) {
                presentTier = tier;
                best = -1;
                bestLength = -1;
                bestExact = false;
            }
            String rulePath = paths[i];
            boolean matches = exact[i] ? rulePath.equals(path) : prefixMatches(rulePath, path, pathEnd);
            if (!matches) {
                continue;
            }
            int length = rulePath.length();
            if (length > bestLength || (length == bestLength && exact[i] && !bestExact)) {
                best = i;
                bestTier = tier;
                bestLength = length;
                bestExact = exact[i];
            }
        }
        return bestTier == presentTier ? best : -1;
    }

    public String ingressKey(int index) {
        return ingressKeys[index];
    }

    public int ruleIndex(int index) {
        return ruleIndexes[index];
    }

    public int pathIndex(int index) {
        return pathIndexes[index];
    }

    private static int hostEnd(String host) {
        int end = host.length();
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            end = colon;
        }
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        return end;
    }

    private static int hostTier(String ruleHost, String host, int hostEnd) {
        if (ruleHost == null) {
            return ANY_HOST;
        }
        if (ruleHost.startsWith("*.")) {
            int dot = host.indexOf('.');
            if (dot <= 0 || dot >= hostEnd) {
                return 3;
            }
            int suffixLength = hostEnd - dot;
            return suffixLength == ruleHost.length() - 1
                    && host.regionMatches(true, dot, ruleHost, 1, suffixLength) ? WILDCARD_HOST : 3;
        }
        return hostEnd == ruleHost.length() && host.regionMatches(true, 0, ruleHost, 0, hostEnd) ? EXACT_HOST : 3;
    }

    private static boolean prefixMatches(String rulePath, String path, int pathEnd) {
        if (rulePath.equals("/")) {
            return true;
        }
        int length = rulePath.length();
        return pathEnd >= length && path.regionMatches(0, rulePath, 0, length)
                && (pathEnd == length || path.charAt(length) == '/');
    }
}
