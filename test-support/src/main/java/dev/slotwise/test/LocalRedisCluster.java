/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import io.lettuce.core.SslOptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Cluster of {@code redis-server} processes on free loopback ports, formed
 * without {@code redis-cli} (CLUSTER MEET, ADDSLOTSRANGE, REPLICATE) and returned only
 * once every node reports {@code cluster_state:ok} and every replica is in sync.
 *
 * <pre class="code">
 * try (LocalRedisCluster cluster = LocalRedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
 *     ClusterNode master = cluster.masterForKey("user:{42}:cart");
 *     cluster.kill(master);
 *     cluster.awaitHealthy(); // a replica has taken over
 * }
 * </pre>
 *
 * <p>
 * {@link #close()} stops every process by pid. A JVM shutdown hook does the same if a
 * test never closes the cluster, and a cluster that starts stops the processes of
 * clusters whose JVM was killed before its hook could run.
 */
public final class LocalRedisCluster extends AbstractRedisCluster {

	private static final Logger logger = LoggerFactory.getLogger(LocalRedisCluster.class);

	private static final String HOST = "127.0.0.1";

	/**
	 * Runs redis-server with its config (the script's first two arguments) and kills it
	 * with SIGKILL when standard input reaches end of file, which happens when the JVM
	 * holding the pipe exits for any reason. Standard input is kept on descriptor 3
	 * because a background job of a non-interactive shell reads /dev/null.
	 */
	private static final String WATCHDOG = String.join("\n", "exec 3<&0", "\"$1\" \"$2\" </dev/null 3<&- &", "child=$!",
			"(while read -r _ <&3; do :; done; kill -9 \"$child\" 2>/dev/null) &", "wait \"$child\"");

	private final Builder settings;

	private final Path folder;

	private final Map<ClusterNode, NodeFiles> files = new ConcurrentHashMap<>();

	private final Map<ClusterNode, NodeProcess> processes = new ConcurrentHashMap<>();

	private final Map<ClusterNode, NodeProxy> proxies = new ConcurrentHashMap<>();

	private @Nullable EventLoopGroup proxyLoop;

	private LocalRedisCluster(Builder settings) {
		super(settings.awaitTimeout);
		this.settings = settings;
		Path base = Path.of(System.getProperty("java.io.tmpdir"), "slotwise-redis");
		NodeProcesses.reapOrphans(base);
		this.folder = base.resolve("cluster-" + UUID.randomUUID().toString().substring(0, 8));
		try {
			Files.createDirectories(this.folder);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create " + this.folder, ex);
		}
		NodeProcesses.claim(this.folder);
	}

	/**
	 * A builder with the defaults: 3 masters, 1 replica each, a 1 s node timeout, the
	 * binary {@link RedisServerBinary#find()} finds.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Start a cluster with the defaults.
	 * @return a started, healthy cluster
	 */
	public static LocalRedisCluster start() {
		return builder().start();
	}

	/**
	 * The {@code redis-server} this cluster runs.
	 * @return the binary
	 */
	public RedisServerBinary binary() {
		return Objects.requireNonNull(this.settings.binary);
	}

	/**
	 * The folder that holds each node's configuration, data and log.
	 * @return the folder
	 */
	public Path folder() {
		return this.folder;
	}

	/**
	 * The process id of a node that is running or paused.
	 * @param node the node
	 * @return its pid
	 */
	public long pid(ClusterNode node) {
		NodeProcess process = this.processes.get(node);
		if (process == null) {
			throw new IllegalStateException(node + " has no process (was it killed?)");
		}
		return process.redis().pid();
	}

	/**
	 * The pids of every process this cluster has running now.
	 * @return the pids
	 */
	public List<Long> pids() {
		return this.processes.values().stream().map((process) -> process.redis().pid()).toList();
	}

	/**
	 * The network between this JVM's clients and a node, to make it misbehave while the
	 * node stays healthy (cut, blackhole, half-open, delay, bandwidth). Needs a cluster
	 * started with {@link Builder#networkFaults(boolean) networkFaults(true)}.
	 * @param node a node of this cluster
	 * @return its network
	 */
	public NodeNetwork network(ClusterNode node) {
		if (!this.settings.networkFaults) {
			throw new IllegalStateException("This cluster has no network-fault proxies: start it with "
					+ "LocalRedisCluster.builder().networkFaults(true)");
		}
		NodeProxy proxy = this.proxies.get(node);
		if (proxy == null) {
			throw new IllegalArgumentException(node + " is not a node of this cluster " + nodes());
		}
		return new NodeNetwork(node, proxy);
	}

	/**
	 * Remove every network fault, resume paused nodes, restart killed ones, and wait
	 * until healthy.
	 */
	@Override
	public void heal() {
		for (NodeProxy proxy : this.proxies.values()) {
			proxy.heal();
		}
		super.heal();
	}

	@Override
	public Map<String, String> springProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.cluster.nodes", nodesProperty());
		if (this.settings.username != null) {
			properties.put("spring.data.redis.username", this.settings.username);
		}
		if (this.settings.password != null) {
			properties.put("spring.data.redis.password", this.settings.password);
		}
		if (this.settings.tls != null) {
			properties.put("spring.data.redis.ssl.enabled", "true");
			properties.put("spring.data.redis.ssl.bundle", "slotwise-test");
			properties.put("spring.ssl.bundle.pem.slotwise-test.truststore.certificate",
					this.settings.tls.caCertificate().toUri().toString());
		}
		return properties;
	}

	private LocalRedisCluster startAll() {
		try {
			useAdmin(new ClusterAdmin(credentials(), sslOptions(), Duration.ofSeconds(5), this::direct));
			int count = this.settings.masters * (1 + this.settings.replicasPerMaster);
			List<ClusterNode> started = new ArrayList<>();
			Set<Integer> taken = new HashSet<>();
			for (int i = 0; i < count; i++) {
				started.add(startNew("node-" + i, taken));
			}
			form(started, this.settings.masters);
			logger.info("Started Redis Cluster of {} masters and {} replicas each from {} in {}: {}",
					this.settings.masters, this.settings.replicasPerMaster, this.settings.binary, this.folder, started);
			return this;
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	private ClusterNode startNew(String name, Set<Integer> taken) {
		IllegalStateException failure = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			NodeFiles node = new NodeFiles(this.folder.resolve(name), freePort(taken), freePort(taken),
					this.settings.networkFaults ? freePort(taken) : 0);
			try {
				NodeProcess process = launch(node);
				NodeProxy proxy = null;
				try {
					String id = admin().call(probe(node), (commands) -> commands.clusterMyId());
					if (this.settings.networkFaults) {
						proxy = new NodeProxy(name, HOST, node.proxyPort, node.port, proxyLoop()).start();
					}
					ClusterNode started = new ClusterNode(name, HOST, (proxy != null) ? node.proxyPort : node.port, id);
					this.files.put(started, node);
					this.processes.put(started, process);
					if (proxy != null) {
						this.proxies.put(started, proxy);
					}
					return started;
				}
				catch (RuntimeException ex) {
					process.stop();
					throw new IllegalStateException("redis-server on port " + node.port + " did not answer", ex);
				}
			}
			catch (IllegalStateException ex) {
				// Most likely another process took a port between our check and the bind.
				failure = ex;
			}
		}
		throw Objects.requireNonNull(failure);
	}

	private EventLoopGroup proxyLoop() {
		if (this.proxyLoop == null) {
			// One thread: the proxies only copy bytes, and tests run on small machines.
			this.proxyLoop = new MultiThreadIoEventLoopGroup(1,
					new DefaultThreadFactory("slotwise-proxy-" + this.folder.getFileName(), true),
					NioIoHandler.newFactory());
		}
		return this.proxyLoop;
	}

	/**
	 * Where the admin reaches a node: its own port, never its proxy.
	 */
	private ClusterNode direct(ClusterNode node) {
		NodeFiles nodeFiles = this.files.get(node);
		return (nodeFiles != null && nodeFiles.proxyPort != 0)
				? new ClusterNode(node.name(), HOST, nodeFiles.port, node.id()) : node;
	}

	private static ClusterNode probe(NodeFiles node) {
		return new ClusterNode(node.folder.getFileName().toString(), HOST, node.port, "?");
	}

	/**
	 * Start redis-server under a watchdog shell whose standard input is a pipe this JVM
	 * holds: when the JVM dies, however it dies, the pipe closes and the watchdog kills
	 * the node. The node's own pid comes from INFO server and must be the watchdog's
	 * child, so a foreign server that took the port is never adopted.
	 */
	private NodeProcess launch(NodeFiles node) {
		Path log = node.folder.resolve("redis.log");
		try {
			Files.createDirectories(node.folder);
			Files.write(node.folder.resolve("redis.conf"), configuration(node));
			Process watchdog = new ProcessBuilder("sh", "-c", WATCHDOG, "slotwise-redis-watchdog",
					binary().path().toString(), "redis.conf")
				.directory(node.folder.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
			NodeProcesses.register(this.folder, watchdog.toHandle());
			ClusterNode probe = probe(node);
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (true) {
				ProcessHandle redis = childAnswering(probe, watchdog);
				if (redis != null) {
					NodeProcesses.register(this.folder, redis);
					return new NodeProcess(watchdog, redis);
				}
				if (!watchdog.isAlive() || System.nanoTime() > deadline) {
					String output = Files.exists(log) ? Files.readString(log) : "";
					new NodeProcess(watchdog, null).stop();
					throw new IllegalStateException("redis-server " + binary() + " did not start on port " + node.port
							+ ". Its log:\n" + output);
				}
				LockSupport.parkNanos(Duration.ofMillis(25).toNanos());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start redis-server " + binary() + ": " + ex.getMessage() + ". "
					+ RedisServerBinary.INSTALL_HINT, ex);
		}
	}

	private @Nullable ProcessHandle childAnswering(ClusterNode probe, Process watchdog) {
		if (!admin().answers(probe)) {
			return null;
		}
		String pid = admin().info(probe, "server").get("process_id");
		ProcessHandle redis = (pid != null) ? ProcessHandle.of(Long.parseLong(pid)).orElse(null) : null;
		if (redis == null || redis.parent().map((parent) -> parent.pid() != watchdog.pid()).orElse(true)) {
			throw new IllegalStateException("Port " + probe.port() + " is answered by a redis-server this cluster did "
					+ "not start (pid " + pid + ")");
		}
		return redis;
	}

	private List<String> configuration(NodeFiles node) {
		List<String> lines = new ArrayList<>();
		if (this.settings.tls != null) {
			lines.add("port 0");
			lines.add("tls-port " + node.port);
			lines.add("tls-cluster yes");
			lines.add("tls-replication yes");
			lines.add("tls-auth-clients no");
			lines.add("tls-cert-file " + this.settings.tls.certificate());
			lines.add("tls-key-file " + this.settings.tls.privateKey());
			lines.add("tls-ca-cert-file " + this.settings.tls.caCertificate());
		}
		else {
			lines.add("port " + node.port);
		}
		lines.addAll(List.of("bind " + HOST, "cluster-enabled yes", "cluster-config-file nodes.conf",
				"cluster-port " + node.busPort, "cluster-node-timeout " + this.settings.nodeTimeout.toMillis(),
				// Any replica may take over, however long its link was down: tests kill
				// and pause at will.
				"cluster-replica-validity-factor 0", "cluster-allow-replica-migration no", "dir " + node.folder,
				"save \"\"", "appendonly no", "protected-mode no", "daemonize no", "logfile \"\"",
				"repl-diskless-sync yes", "repl-diskless-sync-delay 0"));
		if (this.settings.username != null) {
			lines.add("user default off");
			lines.add("user " + this.settings.username + " on >" + this.settings.password + " ~* &* +@all");
			lines.add("masteruser " + this.settings.username);
			lines.add("masterauth " + this.settings.password);
		}
		else if (this.settings.password != null) {
			lines.add("requirepass " + this.settings.password);
			lines.add("masterauth " + this.settings.password);
		}
		lines.addAll(this.settings.config);
		lines.addAll(this.settings.perNodeConfig.apply(new NodePorts(node.port, node.busPort)));
		if (node.proxyPort != 0) {
			// Clients (and replicas) learn the proxy's port from the cluster; the bus
			// stays direct. A replica reports the proxy's port to its master too, so
			// that INFO replication names it as CLUSTER NODES does.
			lines.add("cluster-announce-port " + node.proxyPort);
			lines.add("cluster-announce-bus-port " + node.busPort);
			lines.add("replica-announce-port " + node.proxyPort);
		}
		return lines;
	}

	private ClusterAdmin.@Nullable Credentials credentials() {
		return (this.settings.password != null)
				? new ClusterAdmin.Credentials(this.settings.username, this.settings.password) : null;
	}

	private @Nullable SslOptions sslOptions() {
		return (this.settings.tls != null)
				? SslOptions.builder().jdkSslProvider().trustManager(this.settings.tls.caCertificate().toFile()).build()
				: null;
	}

	private static int freePort(Set<Integer> taken) {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = LoopbackPorts.free();
			if (taken.add(port)) {
				return port;
			}
		}
		throw new IllegalStateException("Could not find a free port on " + HOST);
	}

	@Override
	ClusterAdmin.InternalAddress internalAddress(ClusterNode node) {
		NodeFiles nodeFiles = this.files.get(node);
		return new ClusterAdmin.InternalAddress(HOST, nodeFiles.port, nodeFiles.busPort);
	}

	@Override
	void signalKill(ClusterNode node) {
		NodeProcess process = this.processes.remove(node);
		if (process == null) {
			throw new IllegalStateException(node + " is not running");
		}
		process.stop();
	}

	@Override
	void signalPause(ClusterNode node) {
		NodeProcesses.signal(process(node).redis(), "STOP");
	}

	@Override
	void signalResume(ClusterNode node) {
		NodeProcesses.signal(process(node).redis(), "CONT");
	}

	private NodeProcess process(ClusterNode node) {
		NodeProcess process = this.processes.get(node);
		if (process == null) {
			throw new IllegalStateException(node + " is not running");
		}
		return process;
	}

	@Override
	void startAgain(ClusterNode node) {
		this.processes.put(node, launch(this.files.get(node)));
	}

	/**
	 * Stop every process this cluster started, by pid, and delete its folder.
	 */
	@Override
	public void close() {
		try {
			for (NodeProcess process : List.copyOf(this.processes.values())) {
				process.stop();
			}
			this.processes.clear();
		}
		finally {
			try {
				closeProxies();
			}
			finally {
				super.close();
				Folders.deleteRecursively(this.folder);
			}
		}
	}

	private void closeProxies() {
		for (NodeProxy proxy : this.proxies.values()) {
			proxy.close();
		}
		this.proxies.clear();
		if (this.proxyLoop != null) {
			this.proxyLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
	}

	@Override
	public String toString() {
		return "LocalRedisCluster" + nodes();
	}

	/**
	 * The two ports a node listens on.
	 *
	 * @param port the client port
	 * @param busPort the cluster bus port
	 */
	public record NodePorts(int port, int busPort) {
	}

	/**
	 * A node's folder and ports; {@code proxyPort} is 0 without network faults.
	 */
	private record NodeFiles(Path folder, int port, int busPort, int proxyPort) {
	}

	/**
	 * A node's watchdog shell and the redis-server it started.
	 */
	private record NodeProcess(Process watchdog, @Nullable ProcessHandle redis) {

		/**
		 * SIGKILL the node, then the watchdog and its helper, and close the pipe.
		 */
		void stop() {
			if (this.redis != null) {
				NodeProcesses.kill(this.redis);
			}
			this.watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
			NodeProcesses.kill(this.watchdog.toHandle());
			try {
				this.watchdog.getOutputStream().close();
			}
			catch (IOException ex) {
				// The pipe is gone already.
			}
		}

		@Override
		public ProcessHandle redis() {
			return Objects.requireNonNull(this.redis, "redis-server did not start");
		}

	}

	/**
	 * Settings for a {@link LocalRedisCluster}.
	 */
	public static final class Builder {

		private int masters = 3;

		private int replicasPerMaster = 1;

		private Duration nodeTimeout = Duration.ofSeconds(1);

		private Duration awaitTimeout = Duration.ofSeconds(60);

		private @Nullable RedisServerBinary binary;

		private final List<String> config = new ArrayList<>();

		private Function<NodePorts, List<String>> perNodeConfig = (ports) -> List.of();

		private @Nullable String username;

		private @Nullable String password;

		private @Nullable TlsMaterial tls;

		private boolean networkFaults;

		private Builder() {
		}

		/**
		 * How many masters share the 16384 slots (at least 1; 3 for automatic failover).
		 * @param masters the number of masters
		 * @return this builder
		 */
		public Builder masters(int masters) {
			if (masters < 1 || masters > 100) {
				throw new IllegalArgumentException("masters must be between 1 and 100, not " + masters);
			}
			this.masters = masters;
			return this;
		}

		/**
		 * How many replicas each master gets.
		 * @param replicasPerMaster the number of replicas per master (0 or more)
		 * @return this builder
		 */
		public Builder replicasPerMaster(int replicasPerMaster) {
			if (replicasPerMaster < 0 || replicasPerMaster > 10) {
				throw new IllegalArgumentException(
						"replicasPerMaster must be between 0 and 10, not " + replicasPerMaster);
			}
			this.replicasPerMaster = replicasPerMaster;
			return this;
		}

		/**
		 * The {@code cluster-node-timeout}: how long a node may be unreachable before its
		 * replica takes over.
		 * @param nodeTimeout the node timeout (at least 100 ms)
		 * @return this builder
		 */
		public Builder nodeTimeout(Duration nodeTimeout) {
			if (nodeTimeout.toMillis() < 100) {
				throw new IllegalArgumentException("nodeTimeout must be at least 100ms, not " + nodeTimeout);
			}
			this.nodeTimeout = nodeTimeout;
			return this;
		}

		/**
		 * How long to wait for the cluster to form or become healthy.
		 * @param awaitTimeout the limit
		 * @return this builder
		 */
		public Builder awaitTimeout(Duration awaitTimeout) {
			this.awaitTimeout = awaitTimeout;
			return this;
		}

		/**
		 * The binary to run instead of the one {@link RedisServerBinary#find()} finds.
		 * @param binary the binary
		 * @return this builder
		 */
		public Builder binary(RedisServerBinary binary) {
			this.binary = binary;
			return this;
		}

		/**
		 * Extra {@code redis.conf} lines for every node.
		 * @param lines the lines
		 * @return this builder
		 */
		public Builder config(String... lines) {
			this.config.addAll(List.of(lines));
			return this;
		}

		/**
		 * Extra {@code redis.conf} lines that depend on a node's ports (for example
		 * {@code cluster-announce-port}).
		 * @param perNodeConfig the lines for a node's ports
		 * @return this builder
		 */
		public Builder perNodeConfig(Function<NodePorts, List<String>> perNodeConfig) {
			this.perNodeConfig = perNodeConfig;
			return this;
		}

		/**
		 * Require a password ({@code requirepass}) from clients and replicas.
		 * @param password the password
		 * @return this builder
		 */
		public Builder password(String password) {
			this.username = null;
			this.password = password;
			return this;
		}

		/**
		 * Turn the {@code default} user off and allow only this ACL user (replicas
		 * authenticate as it too).
		 * @param username the user
		 * @param password its password
		 * @return this builder
		 */
		public Builder aclUser(String username, String password) {
			this.username = username;
			this.password = password;
			return this;
		}

		/**
		 * Serve clients, replication and the cluster bus over TLS only.
		 * @param tls certificates, for example from {@link TlsMaterial#generate(Path)}
		 * @return this builder
		 */
		public Builder tls(TlsMaterial tls) {
			this.tls = tls;
			return this;
		}

		/**
		 * Put a TCP proxy in front of every node's client port and have the nodes
		 * announce the proxies' ports, so that every client connection passes through one
		 * and {@link LocalRedisCluster#network(ClusterNode)} can make it misbehave. The
		 * cluster bus stays direct. Off by default: it costs a thread and a hop. Not with
		 * {@link #tls(TlsMaterial)}, as the proxy tells replication links apart by their
		 * first commands. Overrides any {@code cluster-announce-port},
		 * {@code cluster-announce-bus-port} and {@code replica-announce-port} of
		 * {@link #perNodeConfig} (a replica announces its proxy's port to its master, so
		 * that its master's {@code INFO replication} names it as {@code CLUSTER NODES}
		 * does).
		 * @param networkFaults whether to proxy every node
		 * @return this builder
		 */
		public Builder networkFaults(boolean networkFaults) {
			this.networkFaults = networkFaults;
			return this;
		}

		/**
		 * Start the processes and form the cluster.
		 * @return a healthy cluster
		 */
		public LocalRedisCluster start() {
			if (this.networkFaults && this.tls != null) {
				throw new IllegalStateException("networkFaults(true) does not work with tls(...): the proxy tells "
						+ "replication links from clients by their first commands, which TLS hides");
			}
			if (this.binary == null) {
				this.binary = RedisServerBinary.find();
			}
			return new LocalRedisCluster(this).startAll();
		}

	}

}
