package io.jingress.examples.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The objects in {@code deploy/}, parsed into fabric8's typed model. */
final class DeployFiles {

    /** The repository's {@code deploy/}; tests run in the {@code examples} module's directory. */
    static final Path DIR = Path.of("..", "deploy").toAbsolutePath().normalize();

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private DeployFiles() {
    }

    static List<Path> files() {
        try (Stream<Path> files = Files.walk(DIR)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<HasMetadata> parse(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Object parsed = SERIALIZATION.unmarshal(in);
            List<HasMetadata> objects = new ArrayList<>();
            if (parsed instanceof Collection<?> many) {
                for (Object one : many) {
                    objects.add((HasMetadata) one);
                }
            } else {
                objects.add((HasMetadata) parsed);
            }
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every object in {@code deploy/jingress.yaml} and {@code deploy/service-nodeport.yaml}. */
    static List<HasMetadata> controllerObjects() {
        List<HasMetadata> objects = new ArrayList<>(parse(DIR.resolve("jingress.yaml")));
        objects.addAll(parse(DIR.resolve("service-nodeport.yaml")));
        return objects;
    }

    static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in deploy/"));
    }

    /**
     * The fields fabric8 did not recognise (typos such as {@code readOnlyRootFileSystem}), as
     * {@code path.field}: the model keeps them aside instead of failing.
     */
    static List<String> unknownFields(Object object, String path) {
        List<String> unknown = new ArrayList<>();
        collectUnknown(object, path, unknown);
        return unknown;
    }

    private static void collectUnknown(Object object, String path, List<String> unknown) {
        if (object instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (!(object instanceof KubernetesResource)) {
            return;
        }
        for (Method getter : object.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(object);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(getter.toString(), e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach(k -> unknown.add(path + "." + k));
            } else if (value != null) {
                String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                collectUnknown(value, path + "." + field, unknown);
            }
        }
    }
}
