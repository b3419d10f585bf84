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

import java.util.List;

import java.util.stream.IntStream;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link LocalRedisCluster} against real {@code redis-server} processes.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
class LocalRedisClusterTests {

	private static RedisClusterClient client;

	@BeforeAll
	static void connect(LocalRedisCluster cluster) {
		client = RedisClusterClient
			.create(cluster.seedAddresses().stream().map((address) -> RedisURI.create("redis://" + address)).toList());
	}

	@AfterAll
	static void disconnect() {
		client.shutdown();
	}

	@Test
	void formsThreeMastersWithOneInSyncReplicaEachCoveringEverySlot(LocalRedisCluster cluster) {
		List<ClusterNode> masters = cluster.masters();
		assertThat(masters).hasSize(3);
		assertThat(cluster.nodes()).hasSize(6);
		for (ClusterNode master : masters) {
			assertThat(cluster.replicasOf(master)).hasSize(1);
		}
		assertThat(IntStream.of(0, 5460, 5461, 10922, 10923, 16383).mapToObj(cluster::masterForSlot).distinct())
			.containsExactlyInAnyOrderElementsOf(masters);
		assertThat(cluster.springProperties()).containsEntry("spring.data.redis.cluster.nodes",
				String.join(",", cluster.seedAddresses()));
	}

	@Test
	void killedMasterIsReplacedByItsReplicaAndRejoinsAsReplicaAfterRestart(LocalRedisCluster cluster) {
		ClusterNode master = cluster.masterForKey("user:{1}:cart");
		ClusterNode replica = cluster.replicasOf(master).get(0);
		long pid = cluster.pid(master);
		cluster.kill(master);
		assertThat(ProcessHandle.of(pid)).isEmpty();
		cluster.awaitHealthy();
		assertThat(cluster.masterForKey("user:{1}:cart")).isEqualTo(replica);
		cluster.restart(master);
		cluster.awaitHealthy();
		assertThat(cluster.replicasOf(replica)).containsExactly(master);
	}

	@Test
	void pausedNodeStopsAnsweringAndAnswersAgainWhenResumed(LocalRedisCluster cluster) {
		ClusterNode master = cluster.masters().get(0);
		cluster.pause(master);
		assertThat(ProcessHandle.of(cluster.pid(master)).orElseThrow().isAlive()).isTrue();
		assertThat(cluster.admin().answers(master)).isFalse();
		cluster.resume(master);
		assertThat(cluster.admin().answers(master)).isTrue();
	}

	@Test
	void manualFailoverPromotesTheReplicaWithoutLosingData(LocalRedisCluster cluster) {
		try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
			connection.sync().set("order:{7}", "shipped");
			ClusterNode master = cluster.masterForKey("order:{7}");
			ClusterNode promoted = cluster.failover(master);
			assertThat(cluster.masterForKey("order:{7}")).isEqualTo(promoted);
			assertThat(cluster.replicasOf(promoted)).containsExactly(master);
			assertThat(readDirectly(promoted, "order:{7}")).isEqualTo("shipped");
		}
	}

	@Test
	void migratesOneSlotWithItsKeysToAnotherMaster(LocalRedisCluster cluster) {
		int slot = SlotHash.getSlot("{hot}");
		try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
			for (int i = 0; i < 250; i++) {
				connection.sync().set("{hot}:" + i, "v" + i);
			}
			ClusterNode source = cluster.masterForSlot(slot);
			ClusterNode target = cluster.masters().stream().filter((m) -> !m.equals(source)).findFirst().orElseThrow();
			cluster.migrateSlot(slot, target);
			assertThat(cluster.masterForSlot(slot)).isEqualTo(target);
			Long onTarget = cluster.admin().call(target, (commands) -> commands.clusterCountKeysInSlot(slot));
			Long onSource = cluster.admin().call(source, (commands) -> commands.clusterCountKeysInSlot(slot));
			assertThat(onTarget).isEqualTo(250);
			assertThat(onSource).isZero();
			client.refreshPartitions();
			assertThat(connection.sync().get("{hot}:249")).isEqualTo("v249");
		}
	}

	@Test
	void flushAllEmptiesEveryMaster(LocalRedisCluster cluster) {
		try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
			IntStream.range(0, 100).forEach((i) -> connection.sync().set("k" + i, "v"));
			cluster.flushAll();
			assertThat(cluster.masters()).allSatisfy((master) -> {
				Long keys = cluster.admin().call(master, (commands) -> commands.dbsize());
				assertThat(keys).isZero();
			});
		}
	}

	@Test
	void rejectsNodesOfOtherClustersAndBadSlots(LocalRedisCluster cluster) {
		assertThatIllegalArgumentException().isThrownBy(() -> cluster.kill(new ClusterNode("x", "127.0.0.1", 1, "id")))
			.withMessageContaining("is not a node of this cluster");
		assertThatIllegalArgumentException().isThrownBy(() -> cluster.masterForSlot(16384))
			.withMessageContaining("16384");
		assertThatIllegalStateException().isThrownBy(() -> cluster.restart(cluster.nodes().get(0)))
			.withMessageContaining("kill it before restarting it");
	}

	@Test
	void withoutNetworkFaultsClientsReachTheNodesDirectly(LocalRedisCluster cluster) {
		for (ClusterNode node : cluster.nodes()) {
			String port = cluster.call(node, (commands) -> commands.configGet("port")).get("port");
			assertThat(port).isEqualTo(String.valueOf(node.port()));
		}
		assertThatIllegalStateException().isThrownBy(() -> cluster.network(cluster.nodes().get(0)))
			.withMessageContaining("networkFaults(true)");
	}

	@Test
	void closeStopsEveryProcessItStarted() {
		LocalRedisCluster small = LocalRedisCluster.builder().masters(3).replicasPerMaster(0).start();
		List<Long> pids = small.pids();
		assertThat(pids).hasSize(3).allSatisfy((pid) -> assertThat(ProcessHandle.of(pid)).isPresent());
		small.close();
		assertThat(pids).allSatisfy((pid) -> assertThat(ProcessHandle.of(pid)).isEmpty());
		assertThat(small.folder()).doesNotExist();
	}

	@Test
	void closeCopesWithANodeThatDiedOnItsOwnAndWithAPausedNode() {
		LocalRedisCluster small = LocalRedisCluster.builder().masters(3).replicasPerMaster(0).start();
		List<Long> pids = small.pids();
		ProcessHandle crashed = ProcessHandle.of(small.pid(small.nodes().get(0))).orElseThrow();
		crashed.destroyForcibly();
		crashed.onExit().join();
		small.pause(small.nodes().get(1));
		small.close();
		assertThat(pids).allSatisfy((pid) -> assertThat(ProcessHandle.of(pid)).isEmpty());
	}

	private static String readDirectly(ClusterNode node, String key) {
		io.lettuce.core.RedisClient single = io.lettuce.core.RedisClient
			.create(RedisURI.create("redis://" + node.address()));
		try (StatefulRedisConnection<String, String> connection = single.connect()) {
			return connection.sync().get(key);
		}
		finally {
			single.shutdown();
		}
	}

}
