package dev.sesame.testing.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local stand-in for the AWS services Sesame calls, for tests: one HTTP endpoint on
 * 127.0.0.1 that the real SDK clients reach through an endpoint override. It speaks the real
 * wire protocols, routes each request to a {@link ServiceHandler} by the service named in the
 * request's SigV4 credential scope, counts every call, and injects the faults of its {@link
 * FaultPlan}.
 *
 * <p>Signatures are not verified (the stand-in would need the secret, and proving the SDK's
 * SigV4 is not Sesame's job); but every request must carry a SigV4 {@code Authorization} header,
 * and when {@link #requireAccessKeyId} is set, it must name that key, so a test proves the SDK
 * signed with the credentials the test configured.
 */
public final class AwsStandIn implements AutoCloseable {
  static {
    // The JDK's HttpServer writes an answer's headers and body apart with Nagle's algorithm on, so
    // the body waits for the client's delayed ACK: 40-50 ms per call on loopback instead of ~5 ms.
    // Read once per JVM (sun.net.httpserver.ServerConfig), before the first server; this class is
    // the tests' only HttpServer.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** One call the stand-in received (recorded on arrival, before any fault or delay). */
  public record Call(String service, String action, String accessKeyId, String region) {}

  private final HttpServer server;
  private final ExecutorService threads;
  private final Map<String, ServiceHandler> handlers = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final FaultPlan faults = new FaultPlan();
  private final Map<String, Runnable> afterCall = new java.util.concurrent.ConcurrentHashMap<>();
  private final IamState iam = new IamState();
  private final StsHandler sts = new StsHandler(iam);
  private final KmsHandler kms = new KmsHandler(StandInAws.REGION);
  private final SecretsManagerHandler secretsManager = new SecretsManagerHandler(StandInAws.REGION);
  private volatile String requiredAccessKeyId;

  private AwsStandIn(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
    register(new IamHandler(iam));
    register(sts);
    register(kms);
    register(secretsManager);
  }

  /** Starts a stand-in with IAM and STS on a free port of 127.0.0.1. */
  public static AwsStandIn start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "aws-stand-in");
              t.setDaemon(true);
              return t;
            });
    AwsStandIn standIn = new AwsStandIn(server, threads);
    server.createContext("/", standIn::exchange);
    server.setExecutor(threads);
    server.start();
    return standIn;
  }

  /** Adds (or replaces) the handler for one service. */
  public AwsStandIn register(ServiceHandler handler) {
    handlers.put(handler.signingName(), handler);
    return this;
  }

  /** The URL to give the SDK as {@code AWS_ENDPOINT_URL} or {@code aws.endpointUrl}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public IamState iam() {
    return iam;
  }

  public StsHandler sts() {
    return sts;
  }

  public KmsHandler kms() {
    return kms;
  }

  public SecretsManagerHandler secretsManager() {
    return secretsManager;
  }

  public FaultPlan faults() {
    return faults;
  }

  /** From now on, refuse requests signed with any other access key id. */
  public void requireAccessKeyId(String accessKeyId) {
    this.requiredAccessKeyId = accessKeyId;
  }

  /** Every call received so far, in order of arrival. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** How many calls of {@code action} the stand-in received (faulted ones included). */
  public long calls(String action) {
    return calls.stream().filter(c -> c.action().equals(action)).count();
  }

  /**
   * Runs HOOK once, right after the next call of ACTION that succeeds (before its answer is
   * sent): lets a test plan a fault for "the call after this one", as a kill there would.
   */
  public void afterCall(String action, Runnable hook) {
    afterCall.put(action, hook);
  }

  /** Forgets the call log (not the state). */
  public void clearCalls() {
    calls.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void exchange(HttpExchange exchange) throws IOException {
    try (exchange) {
      StandInRequest request = read(exchange);
      String requestId = UUID.randomUUID().toString();
      Optional<StandInRequest.SigningScope> scope = request.scope();
      ServiceHandler handler = scope.map(s -> handlers.get(s.service())).orElse(null);
      if (handler == null) {
        String why = scope.isEmpty()
            ? "Request is missing Authentication Token"
            : "The stand-in serves no service named " + scope.get().service();
        AwsError error = new AwsError(scope.isEmpty() ? 403 : 400,
            scope.isEmpty() ? "MissingAuthenticationToken" : "UnknownService", why);
        send(exchange, handlers.get("iam").render(error, requestId), requestId);
        return;
      }
      String action = handler.action(request);
      calls.add(new Call(handler.signingName(), action, scope.get().accessKeyId(),
          scope.get().region()));
      send(exchange, answer(handler, request, action, requestId), requestId);
    }
  }

  private StandInResponse answer(
      ServiceHandler handler, StandInRequest request, String action, String requestId) {
    try {
      String required = requiredAccessKeyId;
      if (required != null && !required.equals(request.scope().get().accessKeyId())) {
        throw new AwsError(403, "InvalidClientTokenId",
            "The security token included in the request is invalid.");
      }
      Optional<FaultPlan.Fault> fault = faults.next(action);
      if (fault.isPresent()) {
        if (fault.get() instanceof FaultPlan.Throttle) {
          throw handler.throttling();
        }
        if (fault.get() instanceof FaultPlan.ServerError) {
          throw handler.internalFailure();
        }
        if (fault.get() instanceof FaultPlan.Denied) {
          throw handler.accessDenied(action);
        }
        if (fault.get() instanceof FaultPlan.Expired) {
          throw new AwsError(400, "ExpiredToken", "The security token included in the request is expired");
        }
        if (fault.get() instanceof FaultPlan.LostAnswer) {
          handler.handle(request, requestId);
          throw handler.internalFailure();
        }
        if (fault.get() instanceof FaultPlan.Slow slow) {
          Thread.sleep(slow.delay().toMillis());
        }
      }
      StandInResponse response = handler.handle(request, requestId);
      Runnable hook = response.status() < 300 ? afterCall.remove(action) : null;
      if (hook != null) {
        hook.run();
      }
      return response;
    } catch (AwsError error) {
      return handler.render(error, requestId);
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
      return handler.render(handler.internalFailure(), requestId);
    } catch (RuntimeException bug) {
      return handler.render(
          new AwsError(500, "InternalFailure", "stand-in bug: " + bug, false), requestId);
    }
  }

  private static StandInRequest read(HttpExchange exchange) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach(
        (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    URI uri = exchange.getRequestURI();
    return new StandInRequest(
        exchange.getRequestMethod(),
        uri.getRawPath(),
        uri.getRawQuery(),
        headers,
        body,
        StandInRequest.scopeOf(headers.get("authorization")));
  }

  private static void send(HttpExchange exchange, StandInResponse response, String requestId)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
    if (response.body().length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }
}
