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
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link NodeNetwork}: each fault seen through a plain Lettuce client (and, for what TCP
 * does, a plain socket), each undone by {@code heal()}, while the node itself stays
 * healthy and keeps replicating.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, networkFaults = true)
class NodeNetworkTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private static RedisClient client;

	@BeforeAll
	static void createClient() {
		client = RedisClient.create();
		// A dropped connection stays dropped, so that the test sees what the network did.
		client.setOptions(ClientOptions.builder().autoReconnect(false).build());
	}

	@AfterAll
	static void shutdownClient() {
		client.shutdown();
	}

	@Test
	void clientsAndReplicasReachEveryNodeThroughItsProxy(LocalRedisCluster cluster) {
		for (ClusterNode node : cluster.nodes()) {
			int ownPort = Integer.parseInt(cluster.call(node, (commands) -> commands.configGet("port")).get("port"));
			assertThat(ownPort).as(node + " listens on a port of its own").isNotEqualTo(node.port());
		}
		RedisClusterClient clusterClient = RedisClusterClient
			.create(cluster.seedAddresses().stream().map((address) -> RedisURI.create("redis://" + address)).toList());
		try (StatefulRedisClusterConnection<String, String> connection = clusterClient.connect()) {
			assertThat(connection.getPartitions().stream().map((node) -> node.getUri().getPort()))
				.as("the ports the cluster announces")
				.containsExactlyInAnyOrderElementsOf(cluster.nodes().stream().map(ClusterNode::port).toList());
		}
		finally {
			clusterClient.shutdown();
		}
		ClusterNode master = cluster.masters().get(0);
		ClusterNode replica = cluster.replicasOf(master).get(0);
		String masterPort = ClusterAdmin.parseInfo(cluster.call(replica, (commands) -> commands.info("replication")))
			.get("master_port");
		assertThat(masterPort).isEqualTo(String.valueOf(master.port()));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(
					ClusterAdmin.parseInfo(cluster.call(master, (commands) -> commands.info("replication")))
						.get("slave0"))
				.as("the master names its replica by the address the cluster announces")
				.contains("port=" + replica.port() + ","));
	}

	@Test
	void blackholeAnswersNothingAndHealDeliversWhatItHeld(LocalRedisCluster cluster) throws IOException {
		String key = "blackhole:{1}";
		ClusterNode master = cluster.masterForKey(key);
		try (StatefulRedisConnection<String, String> connection = connect(master, TIMEOUT);
				Socket socket = open(master)) {
			connection.sync().set(key, "before");
			cluster.network(master).blackhole();
			assertThatExceptionOfType(RedisCommandTimeoutException.class).isThrownBy(() -> connection.sync().get(key));
			assertThat(connection.isOpen()).as("no reset").isTrue();
			send(socket, "PING");
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			try (Socket late = open(master)) {
				assertThat(late.isConnected()).as("new connections are accepted").isTrue();
			}
			writeDirectlyAndAwaitOnReplica(cluster, master, key + ":direct", "replicated");
			cluster.network(master).heal();
			assertThat(readLine(socket)).isEqualTo("+PONG");
			assertThat(connection.sync().get(key + ":direct"))
				.as("the late reply to the timed-out GET went to that GET, not this one")
				.isEqualTo("replicated");
		}
	}

	@Test
	void aBlackholeOfRequestsKeepsCommandsFromTheNodeUntilHealed(LocalRedisCluster cluster) throws IOException {
		String key = "requests-held:{1}";
		ClusterNode master = cluster.masterForKey(key);
		try (Socket socket = open(master)) {
			cluster.network(master).blackhole(NodeNetwork.Direction.REQUESTS);
			send(socket, "SET " + key + " held");
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			assertThat(valueOn(cluster, master, key)).as("the node never got it").isNull();
			cluster.network(master).heal();
			assertThat(readLine(socket)).isEqualTo("+OK");
			assertThat(valueOn(cluster, master, key)).isEqualTo("held");
		}
	}

	@Test
	void aBlackholeOfRepliesRunsCommandsAndHealDeliversTheirRepliesLate(LocalRedisCluster cluster) throws IOException {
		String key = "replies-held:{1}";
		ClusterNode master = cluster.masterForKey(key);
		try (Socket socket = open(master)) {
			cluster.network(master).blackhole(NodeNetwork.Direction.REPLIES);
			send(socket, "SET " + key + " applied");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(
						() -> assertThat(valueOn(cluster, master, key)).as("the node ran it").isEqualTo("applied"));
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			cluster.network(master).heal();
			assertThat(readLine(socket)).as("held, not lost").isEqualTo("+OK");
		}
	}

	@Test
	void blackholeOfOneMasterLeavesTheOthersAndTheClusterAlone(LocalRedisCluster cluster) {
		RedisClusterClient clusterClient = RedisClusterClient.create(cluster.seedAddresses()
			.stream()
			.map((address) -> RedisURI.builder(RedisURI.create("redis://" + address)).withTimeout(TIMEOUT).build())
			.toList());
		try (StatefulRedisClusterConnection<String, String> connection = clusterClient.connect()) {
			List<String> keys = List.of("spread:{a}", "spread:{b}", "spread:{c}", "spread:{d}", "spread:{e}");
			assertThat(keys.stream().map(cluster::masterForKey).distinct()).hasSize(3);
			keys.forEach((key) -> connection.sync().set(key, key));
			String cutOff = keys.get(0);
			ClusterNode victim = cluster.masterForKey(cutOff);
			cluster.network(victim).blackhole();
			assertThatExceptionOfType(RedisCommandTimeoutException.class)
				.isThrownBy(() -> connection.sync().get(cutOff));
			for (String key : keys) {
				if (!cluster.masterForKey(key).equals(victim)) {
					long start = System.nanoTime();
					assertThat(connection.sync().get(key)).isEqualTo(key);
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
				}
			}
			// Twice the node timeout: the bus is direct, so the cluster sees a healthy
			// master and no replica takes over.
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(4))
				.until(() -> cluster.masterForKey(cutOff).equals(victim));
			cluster.awaitHealthy();
			cluster.network(victim).heal();
			assertThat(connection.sync().get(cutOff)).isEqualTo(cutOff);
		}
		finally {
			clusterClient.shutdown();
		}
	}

	@Test
	void cutResetsConnectionsAndRefusesNewOnesUntilHealed(LocalRedisCluster cluster) throws IOException {
		String key = "cut:{1}";
		ClusterNode master = cluster.masterForKey(key);
		try (StatefulRedisConnection<String, String> connection = connect(master, TIMEOUT);
				Socket socket = open(master)) {
			connection.sync().set(key, "v");
			send(socket, "PING");
			assertThat(readLine(socket)).isEqualTo("+PONG");
			cluster.network(master).cut();
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> socket.getInputStream().read())
				.withMessageContaining("reset");
			long start = System.nanoTime();
			assertThatExceptionOfType(RedisException.class).isThrownBy(() -> connection.sync().get(key))
				.isNotInstanceOf(RedisCommandTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails fast").isLessThan(TIMEOUT);
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> open(master).close())
				.withMessageContaining("refused");
			assertThatExceptionOfType(RedisConnectionException.class).isThrownBy(() -> connect(master, TIMEOUT));
			writeDirectlyAndAwaitOnReplica(cluster, master, key + ":direct", "replicated");
			cluster.network(master).heal();
		}
		try (StatefulRedisConnection<String, String> connection = connect(master, TIMEOUT)) {
			assertThat(connection.sync().get(key)).isEqualTo("v");
		}
	}

	@Test
	void halfOpenRunsCommandsButLosesTheirRepliesAndHealResetsThoseConnections(LocalRedisCluster cluster) {
		String key = "half-open:{1}";
		ClusterNode master = cluster.masterForKey(key);
		try (StatefulRedisConnection<String, String> connection = connect(master, TIMEOUT)) {
			connection.sync().ping();
			cluster.network(master).halfOpen();
			assertThatExceptionOfType(RedisCommandTimeoutException.class)
				.isThrownBy(() -> connection.sync().set(key, "written"));
			String stored = cluster.call(master, (commands) -> commands.get(key));
			assertThat(stored).as("the node ran it").isEqualTo("written");
			assertThat(connection.isOpen()).isTrue();
			cluster.network(master).heal();
			await().atMost(Duration.ofSeconds(2)).until(() -> !connection.isOpen());
		}
		try (StatefulRedisConnection<String, String> connection = connect(master, TIMEOUT)) {
			assertThat(connection.sync().get(key)).isEqualTo("written");
		}
	}

	@Test
	void delayAddsLatencyToEveryRoundTripUntilHealed(LocalRedisCluster cluster) {
		ClusterNode master = cluster.masters().get(0);
		try (StatefulRedisConnection<String, String> connection = connect(master, Duration.ofSeconds(5))) {
			Duration before = median(roundTrips(connection));
			cluster.network(master).delay(Duration.ofMillis(100), Duration.ofMillis(20));
			List<Duration> delayed = roundTrips(connection);
			assertThat(delayed).allSatisfy((roundTrip) -> assertThat(roundTrip).isGreaterThanOrEqualTo(ms(80)));
			assertThat(median(delayed)).isLessThan(before.plus(ms(300)));
			cluster.network(master).delay(NodeNetwork.Direction.BOTH, Duration.ofMillis(60), Duration.ZERO);
			assertThat(roundTrips(connection)).as("60 ms each way")
				.allSatisfy((roundTrip) -> assertThat(roundTrip).isGreaterThanOrEqualTo(ms(120)));
			cluster.network(master).heal();
			assertThat(median(roundTrips(connection))).isLessThan(ms(50));
		}
	}

	@Test
	void bandwidthBoundsThroughputEachWayUntilHealed(LocalRedisCluster cluster) {
		String key = "bandwidth:{1}";
		ClusterNode master = cluster.masterForKey(key);
		String value = "x".repeat(20_000);
		try (StatefulRedisConnection<String, String> connection = connect(master, Duration.ofSeconds(10))) {
			cluster.network(master).bandwidth(20_000);
			// About 20 kB each way at 20 kB/s, released in 20 ms slices: at least 0.9 s.
			assertThat(timed(() -> connection.sync().set(key, value))).isBetween(ms(900), ms(5000));
			assertThat(timed(() -> assertThat(connection.sync().get(key)).isEqualTo(value))).isBetween(ms(900),
					ms(5000));
			cluster.network(master).heal();
			assertThat(timed(() -> assertThat(connection.sync().get(key)).isEqualTo(value))).isLessThan(ms(300));
		}
	}

	@Test
	void faultsIncludingReplicationHoldTheReplicasLinkToo(LocalRedisCluster cluster) {
		String key = "replication:{1}";
		ClusterNode master = cluster.masterForKey(key);
		ClusterNode replica = cluster.replicasOf(master).get(0);
		cluster.network(master).includingReplication().blackhole();
		cluster.call(master, (commands) -> commands.set(key, "held"));
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> readOnReplica(cluster, replica, key) == null);
		cluster.network(master).heal();
		await().atMost(Duration.ofSeconds(5)).until(() -> "held".equals(readOnReplica(cluster, replica, key)));
	}

	@Test
	void clusterHealAlsoHealsTheNetwork(LocalRedisCluster cluster) {
		ClusterNode master = cluster.masters().get(1);
		try (StatefulRedisConnection<String, String> connection = connect(master, TIMEOUT)) {
			cluster.network(master).blackhole().delay(Duration.ofSeconds(1), Duration.ZERO);
			assertThatExceptionOfType(RedisCommandTimeoutException.class).isThrownBy(() -> connection.sync().ping());
			cluster.heal();
			assertThat(connection.sync().ping()).isEqualTo("PONG");
		}
	}

	@Test
	void processFaultsStillWorkBehindTheProxies(LocalRedisCluster cluster) {
		String key = "failover:{1}";
		ClusterNode master = cluster.masterForKey(key);
		ClusterNode replica = cluster.replicasOf(master).get(0);
		cluster.kill(master);
		cluster.awaitHealthy();
		assertThat(cluster.masterForKey(key)).isEqualTo(replica);
		cluster.restart(master);
		// Healthy includes the restarted node in sync: a new replication link, through
		// the
		// promoted node's proxy.
		cluster.awaitHealthy();
		assertThat(cluster.replicasOf(replica)).containsExactly(master);
		try (StatefulRedisConnection<String, String> connection = connect(replica, TIMEOUT)) {
			connection.sync().set(key, "after failover");
		}
		writeDirectlyAndAwaitOnReplica(cluster, replica, key + ":direct", "replicated");
	}

	@Test
	void closeStopsTheProxiesAndTheirThread() {
		LocalRedisCluster small = LocalRedisCluster.builder()
			.masters(3)
			.replicasPerMaster(0)
			.networkFaults(true)
			.start();
		List<ClusterNode> nodes = small.nodes();
		String thread = "slotwise-proxy-" + small.folder().getFileName();
		assertThat(threadNames()).anyMatch((name) -> name.startsWith(thread));
		small.close();
		for (ClusterNode node : nodes) {
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> open(node).close());
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> threadNames().stream().noneMatch((name) -> name.startsWith(thread)));
	}

	private static List<String> threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
	}

	private static StatefulRedisConnection<String, String> connect(ClusterNode node, Duration timeout) {
		return client
			.connect(RedisURI.builder().withHost(node.host()).withPort(node.port()).withTimeout(timeout).build());
	}

	private static String valueOn(LocalRedisCluster cluster, ClusterNode node, String key) {
		return cluster.call(node, (commands) -> commands.get(key));
	}

	private static Socket open(ClusterNode node) throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(node.host(), node.port()), 2000);
			socket.setSoTimeout(300);
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	private static void send(Socket socket, String inlineCommand) throws IOException {
		socket.getOutputStream().write((inlineCommand + "\r\n").getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
	}

	private static String readLine(Socket socket) throws IOException {
		socket.setSoTimeout(2000);
		InputStream in = socket.getInputStream();
		StringBuilder line = new StringBuilder();
		int next;
		while ((next = in.read()) != '\n') {
			if (next < 0) {
				throw new IOException("closed after '" + line + "'");
			}
			line.append((char) next);
		}
		return line.toString().strip();
	}

	/**
	 * The node itself still works: a write made on it directly reaches its replica.
	 */
	private static void writeDirectlyAndAwaitOnReplica(LocalRedisCluster cluster, ClusterNode master, String key,
			String value) {
		ClusterNode replica = cluster.replicasOf(master).get(0);
		cluster.call(master, (commands) -> commands.set(key, value));
		await().atMost(Duration.ofSeconds(5)).until(() -> value.equals(readOnReplica(cluster, replica, key)));
	}

	private static String readOnReplica(LocalRedisCluster cluster, ClusterNode replica, String key) {
		return cluster.call(replica, (commands) -> {
			commands.readOnly();
			return commands.get(key);
		});
	}

	private static List<Duration> roundTrips(StatefulRedisConnection<String, String> connection) {
		List<Duration> roundTrips = new ArrayList<>();
		for (int i = 0; i < 9; i++) {
			roundTrips.add(timed(() -> connection.sync().ping()));
		}
		return roundTrips;
	}

	private static Duration median(List<Duration> durations) {
		List<Duration> sorted = new ArrayList<>(durations);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

	private static Duration timed(Runnable action) {
		long start = System.nanoTime();
		action.run();
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private static Duration ms(long millis) {
		return Duration.ofMillis(millis);
	}

}
