package io.jingress.k8s.internal.files;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.runtime.RawExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.jingress.k8s.internal.translate.GatewayTranslator;
import io.jingress.k8s.internal.translate.KubeTranslator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * Reads the Kubernetes objects of one manifest file: YAML with any number of documents, or JSON;
 * each document an object or a list ({@code kind: List}, or any {@code ...List} kind) of objects.
 * Only Ingress, IngressClass (networking.k8s.io/v1), Service, Endpoints, Secret, ConfigMap (v1),
 * EndpointSlice (discovery.k8s.io/v1), GatewayClass, Gateway, HTTPRoute, GRPCRoute, BackendTLSPolicy (gateway.networking.k8s.io/v1)
 * and ReferenceGrant (gateway.networking.k8s.io/v1beta1 or v1) are kept; other kinds (Deployments and the like) are skipped.
 * One of those kinds in another API version (an {@code extensions/v1beta1} Ingress) is skipped and
 * reported in {@link ParsedFile#skipped()}: it is easy to miss in old files, and never served.
 *
 * <p>Documents are split here rather than by fabric8, so that a problem names the document and the
 * line it starts on. A separator is a line {@code ---} (optionally followed by a comment) or an end
 * marker {@code ...} at column 0.
 */
public final class ManifestParser {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    /** The largest YAML document read, in code points (fabric8's own reader: 3 MB). */
    static final int YAML_CODE_POINT_LIMIT = 64 * 1024 * 1024;
    private static final LoadSettings YAML_SETTINGS = LoadSettings.builder()
            .setCodePointLimit(YAML_CODE_POINT_LIMIT).build();
    private static final Pattern SEPARATOR = Pattern.compile("^(---(\\s.*)?|\\.\\.\\.\\s*)$");
    private static final Pattern JAVA_NAMES = Pattern.compile("`|(java\\.lang\\.|java\\.util\\.|io\\.fabric8\\.kubernetes\\.api\\.model\\.([a-z0-9]+\\.)*)");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    // Jackson's "(start marker at [Source: REDACTED (...); byte offset: #UNKNOWN])": nothing a user can use
    private static final Pattern START_MARKER = Pattern.compile("\\s*\\(start marker at \\[Source: .*?\\]\\)");
    private static final Set<String> OUR_KINDS = Set.of("Ingress", "IngressClass", "Service", "EndpointSlice",
            "Endpoints", "Secret", "ConfigMap", "GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute",
            "BackendTLSPolicy", "ReferenceGrant", "Namespace");

    private ManifestParser() {
    }

    /** Parses {@code content}, read from {@code file}. */
    public static ParsedFile parse(Path file, String content) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(content, "content");
        List<ManifestObject> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int document = 0;
        for (Chunk chunk : split(file, content)) {
            int contentLine = chunk.contentLine();
            if (contentLine < 0) {
                continue;
            }
            document++;
            Origin origin = new Origin(file, document, contentLine);
            Object parsed;
            try {
                parsed = unmarshal(chunk.text);
            } catch (RuntimeException e) {
                problems.add(origin + ": " + describe(e, chunk));
                continue;
            }
            if (parsed instanceof KubernetesResourceList<?> list) {
                List<? extends HasMetadata> items = list.getItems() == null ? List.of() : list.getItems();
                for (int i = 0; i < items.size(); i++) {
                    accept(items.get(i), origin, "items[" + i + "]", objects, problems, skipped);
                }
            } else if (parsed != null) {
                accept(parsed, origin, "", objects, problems, skipped);
            }
        }
        return new ParsedFile(file, objects, problems, skipped);
    }

    private static void accept(Object parsed, Origin origin, String field, List<ManifestObject> objects,
            List<String> problems, List<String> skipped) {
        if (!(parsed instanceof HasMetadata object) || object.getKind() == null || object.getApiVersion() == null) {
            problems.add(origin + ": " + (field.isEmpty() ? "" : field + ": ")
                    + "not a Kubernetes object: apiVersion and kind are required");
            return;
        }
        if (!isOurKind(object)) {
            // fabric8 has typed classes for some old versions (extensions/v1beta1 and networking.k8s.io/v1beta1
            // Ingress) and reads others as GenericKubernetesResource: either way, not ours to read
            if (OUR_KINDS.contains(object.getKind())) {
                skipped.add(origin + ": " + (field.isEmpty() ? "" : field + ": ") + describe(object) + ": apiVersion: "
                        + object.getApiVersion() + " is not read, so it is skipped; use "
                        + expectedApiVersion(object.getKind()));
            }
            return;
        }
        if (!(object instanceof IngressClass) && !(object instanceof io.fabric8.kubernetes.api.model.Namespace)
                && !(object instanceof io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass)) {
            if (object.getMetadata() == null) {
                object.setMetadata(new ObjectMeta());
            }
            if (object.getMetadata().getNamespace() == null || object.getMetadata().getNamespace().isEmpty()) {
                object.getMetadata().setNamespace(KubeTranslator.DEFAULT_NAMESPACE);
            }
        }
        objects.add(new ManifestObject(object, origin));
    }

    /**
     * As fabric8's {@code unmarshal} reads one document, but YAML with a larger limit: its reader
     * stops at 3 MB, which {@code kubectl get ingress,service -A -o yaml} of a large cluster passes.
     */
    private static Object unmarshal(String text) {
        String start = text.stripLeading();
        if (start.startsWith("{") || start.startsWith("[")) {
            return SERIALIZATION.unmarshal(text);  // JSON, as fabric8 tells it
        }
        Object document = new Load(YAML_SETTINGS).loadFromString(text);
        if (document == null) {
            return null;
        }
        return SERIALIZATION.convertValue(document instanceof Map<?, ?> ? document : new RawExtension(document),
                KubernetesResource.class);
    }

    private static boolean isOurKind(HasMetadata object) {
        return object instanceof Ingress || object instanceof IngressClass || object instanceof Service
                || object instanceof EndpointSlice || object instanceof Endpoints || object instanceof Secret
                || object instanceof ConfigMap || object instanceof io.fabric8.kubernetes.api.model.Namespace
                || GatewayTranslator.isGatewayKind(object);
    }

    /** {@code Kind namespace/name}, as {@link ManifestObject#describe()} names an object kept. */
    private static String describe(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        String name = meta == null || meta.getName() == null ? "(unnamed)" : meta.getName();
        return "IngressClass".equals(object.getKind()) || "GatewayClass".equals(object.getKind())
                || "Namespace".equals(object.getKind()) ? object.getKind() + " " + name
                : object.getKind() + " " + KubeTranslator.namespace(object) + "/" + name;
    }

    private static String expectedApiVersion(String kind) {
        return switch (kind) {
            case "Ingress", "IngressClass" -> "networking.k8s.io/v1";
            case "EndpointSlice" -> "discovery.k8s.io/v1";
            case "GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute", "BackendTLSPolicy" -> "gateway.networking.k8s.io/v1";
            case "ReferenceGrant" -> "gateway.networking.k8s.io/v1beta1";
            default -> "v1";
        };
    }

    /** {@code field: reason} for a document that did not parse, in one line. */
    private static String describe(RuntimeException e, Chunk chunk) {
        int firstLine = chunk.startLine();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException yaml) {
                String where = yaml.getProblemMark()
                        .map(mark -> chunk.where(mark.getLine(), mark.getColumn()))
                        .orElse("");
                String problem = yaml.getProblem() == null ? yaml.getMessage() : yaml.getProblem();
                String context = yaml.getContext() == null ? "" : yaml.getContext() + ": ";
                return "not valid YAML: " + where + oneLine(context + problem);
            }
            if (t instanceof JacksonException jackson) {
                String field = fieldPath(jackson.getPath());
                TokenStreamLocation location = jackson.getLocation();
                String where = location != null && location.getLineNr() > 0
                        ? chunk.where(location.getLineNr() - 1, location.getColumnNr() - 1)
                        : "";
                return (field.isEmpty() ? "" : field + ": ") + where + oneLine(jackson.getOriginalMessage());
            }
        }
        return oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
    }

    private static String fieldPath(List<JacksonException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JacksonException.Reference reference : path) {
            if (reference.getPropertyName() != null) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    private static String oneLine(String message) {
        String simpler = JAVA_NAMES.matcher(message == null ? "" : message).replaceAll("");
        simpler = START_MARKER.matcher(simpler).replaceAll("");
        return WHITESPACE.matcher(simpler).replaceAll(" ").trim();
    }

    /** A document's text; {@code startLine} is the file line of its first text line. */
    private record Chunk(String text, int startLine) {

        /**
         * {@code line L, column C: } in the file for a place in this text (0-based line and column).
         * A problem found at the end of the text ("got <stream end>") is on the line after the last,
         * which an editor shows as the separator or as nothing: it is put just after the document's
         * last character instead, where the unclosed bracket or quote is.
         */
        String where(int line, int column) {
            int index = 0;
            for (int i = 0; i < line && index >= 0; i++) {
                index = text.indexOf('\n', index);
                index = index < 0 ? -1 : index + 1;
            }
            index = index < 0 ? text.length() : index + column;
            int end = text.stripTrailing().length();
            if (index >= end && end > 0) {
                int lineStart = text.lastIndexOf('\n', end - 1) + 1;
                line = (int) text.substring(0, lineStart).chars().filter(c -> c == '\n').count();
                column = end - lineStart;
            }
            return "line " + (startLine + line) + ", column " + (column + 1) + ": ";
        }

        /** The line of its first content (skipping blank and comment lines), or -1 when it has none. */
        int contentLine() {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String trimmed = lines[i].strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#") && !trimmed.startsWith("%")) {
                    return startLine + i;
                }
            }
            return -1;
        }
    }

    private static List<Chunk> split(Path file, String content) {
        String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            return List.of(new Chunk(text, 1));
        }
        List<Chunk> chunks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        StringBuilder current = new StringBuilder();
        int startLine = 1;
        for (int i = 0; i < lines.length; i++) {
            if (SEPARATOR.matcher(lines[i]).matches()) {
                chunks.add(new Chunk(current.toString(), startLine));
                current.setLength(0);
                startLine = i + 2;
            } else {
                current.append(lines[i]).append('\n');
            }
        }
        chunks.add(new Chunk(current.toString(), startLine));
        return chunks;
    }
}
