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
package dev.slotwise.hotslot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.slotwise.key.ClusterKeys;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link HotSlotDetector} on Spring Data's Lettuce client against a real 3+3 cluster:
 * every command the application sends is counted, a key that takes half the traffic is
 * reported with its slot and master, and an even workload raises no alert.
 */
@LocalRedisClusterTest
class HotSlotDetectorIntegrationTests {

	private static final String HOT_KEY = "product:{bestseller}";

	private final ClusterKeys keys = new ClusterKeys();

	private final List<HotSlotEvent> events = new CopyOnWriteArrayList<>();

	private LettuceConnectionFactory connectionFactory;

	private HotSlotDetector detector;

	private StringRedisTemplate redis;

	@BeforeEach
	void connect(LocalRedisCluster cluster) {
		this.connectionFactory = new LettuceConnectionFactory(new RedisClusterConfiguration(cluster.seedAddresses()),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		this.connectionFactory.afterPropertiesSet();
		this.detector = new HotSlotDetector(
				new HotSlotSettings(Duration.ofSeconds(2), 4, 10, 500, 3, 4, Duration.ofSeconds(1)),
				this.connectionFactory, this.events::add);
		this.connectionFactory.getRequiredNativeClient().addListener(this.detector.commandListener());
		this.redis = new StringRedisTemplate(this.connectionFactory);
	}

	@AfterEach
	void close() {
		this.detector.stop();
		this.connectionFactory.destroy();
	}

	@Test
	void aKeyTakingHalfTheTrafficIsReportedWithItsSlotAndMaster(LocalRedisCluster cluster) {
		int slot = this.keys.slot(HOT_KEY);
		ClusterNode master = cluster.masterForKey(HOT_KEY);
		mixedWorkload(1500);
		HotSlotSnapshot snapshot = this.detector.advance();
		assertThat(snapshot.commands()).as("1,500 GETs of the hot key, 1,500 SETs, 2 more").isEqualTo(3002);
		assertThat(snapshot.hotSlots()).singleElement().satisfies((hot) -> {
			assertThat(hot.slot()).isEqualTo(slot);
			assertThat(hot.master()).isEqualTo(master.address());
			assertThat(hot.share()).isBetween(0.5, 0.51);
		});
		assertThat(this.events).singleElement().satisfies((event) -> {
			assertThat(event.slot()).isEqualTo(slot);
			assertThat(event.master()).isEqualTo(master.address());
		});
		mixedWorkload(1500);
		this.detector.refreshServerView();
		snapshot = this.detector.advance();
		assertThat(snapshot.hotSlots()).singleElement().satisfies((hot) -> {
			assertThat(hot.topKeys()).first().extracting(KeyCount::key).isEqualTo(HOT_KEY);
			assertThat(hot.topKeys().get(0).shareOfSlot()).isGreaterThan(0.9);
			assertThat(hot.keysInSlot()).as("CLUSTER COUNTKEYSINSLOT on its master").isEqualTo(1L);
		});
		assertThat(snapshot.masters()).hasSize(3)
			.extracting(MasterLoad::address)
			.containsExactlyInAnyOrderElementsOf(cluster.masters().stream().map(ClusterNode::address).toList());
		assertThat(snapshot.masters()).allSatisfy((load) -> {
			assertThat(load.usedMemoryBytes()).isPositive();
			assertThat(load.opsPerSecond()).isNotNegative();
			assertThat(load.slots()).isPositive();
		});
		assertThat(this.events).as("still one alert").hasSize(1);
	}

	@Test
	void anEvenWorkloadRaisesNoAlert() {
		for (int round = 0; round < 4; round++) {
			List<String> batch = new ArrayList<>();
			for (int i = 0; i < 1500; i++) {
				batch.add("user:" + (round * 1500 + i));
			}
			batch.forEach((key) -> this.redis.opsForValue().set(key, "v"));
			HotSlotSnapshot snapshot = this.detector.advance();
			assertThat(snapshot.hotSlots()).isEmpty();
			assertThat(snapshot.activeSlots()).isGreaterThan(1000);
		}
		assertThat(this.events).isEmpty();
		assertThat(this.detector.alertsTotal()).isZero();
		assertThat(this.detector.commandsTotal()).isEqualTo(6000);
	}

	@Test
	void theDetectorsOwnThreadFindsTheHotSlot(LocalRedisCluster cluster) {
		this.detector.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			mixedWorkload(200);
			return !this.events.isEmpty();
		});
		assertThat(this.events.get(0).slot()).isEqualTo(this.keys.slot(HOT_KEY));
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			mixedWorkload(200);
			HotSlotSnapshot snapshot = this.detector.snapshot();
			return !snapshot.hotSlots().isEmpty() && !snapshot.hotSlots().get(0).topKeys().isEmpty()
					&& snapshot.hotSlots().get(0).keysInSlot() != null && !snapshot.masters().isEmpty();
		});
		assertThat(this.detector.snapshot().hotSlots().get(0).master())
			.isEqualTo(cluster.masterForKey(HOT_KEY).address());
	}

	private void mixedWorkload(int each) {
		for (int i = 0; i < each; i++) {
			this.redis.opsForValue().get(HOT_KEY);
			this.redis.opsForValue().set("user:" + i, "v");
		}
		this.redis.opsForValue().set(HOT_KEY, "v");
		this.redis.opsForValue().get(HOT_KEY);
	}

}
