# jingress.jar on a Java 17 runtime, as a non-root user.
#
#   mvn -B -DskipTests package
#   docker build -t jingress:dev .
#   docker run --rm -p 30880:30880 jingress:dev                       # the demo
#   docker run --rm -v "$PWD/m:/m:ro" -p 8080:8080 jingress:dev --manifests /m
#
# In a cluster, deploy/jingress.yaml runs it with --in-cluster.
FROM eclipse-temurin:17-jre

# A fixed numeric uid, so that runAsNonRoot can verify it without a passwd lookup.
RUN groupadd --system --gid 65532 jingress \
 && useradd --system --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin jingress

COPY examples/target/jingress.jar /opt/jingress/jingress.jar

USER 65532:65532
# HTTP, HTTPS, admin (/healthz, /metrics, /status, /routes), and the demo's port.
EXPOSE 8080 8443 10254 30880

# The heap follows the container's memory limit; -XX:+ExitOnOutOfMemoryError lets the kubelet restart us.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/jingress/jingress.jar"]
