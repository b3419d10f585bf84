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

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.slotwise.key.ClusterKeys;
import dev.slotwise.support.NodeInfo;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The counting, ranking and alerting logic of {@link HotSlotDetector}, fed through its
 * listener with the command objects Lettuce builds; no Redis needed.
 */
class HotSlotDetectorTests {

	private static final HotSlotSettings SETTINGS = new HotSlotSettings(Duration.ofSeconds(4), 4, 10, 100, 3, 1,
			Duration.ofSeconds(10));

	private final ClusterKeys keys = new ClusterKeys();

	private final List<HotSlotEvent> events = new ArrayList<>();

	private final HotSlotDetector detector = new HotSlotDetector(SETTINGS, null, this.events::add);

	@Test
	void aKeyTakingHalfTheTrafficMakesItsSlotHotOnceWithItsShare() {
		workload(1000, "hot:{42}", 2000);
		HotSlotSnapshot snapshot = this.detector.advance();
		assertThat(snapshot.commands()).isEqualTo(2000);
		assertThat(snapshot.hotSlots()).singleElement().satisfies((hot) -> {
			assertThat(hot.slot()).isEqualTo(this.keys.slot("hot:{42}"));
			assertThat(hot.share()).isGreaterThanOrEqualTo(0.5);
			assertThat(hot.ratio()).isGreaterThan(SETTINGS.threshold());
			assertThat(hot.master()).isNull();
		});
		assertThat(snapshot.hottestSlots().get(0).slot()).isEqualTo(this.keys.slot("hot:{42}"));
		assertThat(snapshot.hottestShare()).isGreaterThanOrEqualTo(0.5);
		assertThat(this.events).singleElement().satisfies((event) -> {
			assertThat(event.slot()).isEqualTo(this.keys.slot("hot:{42}"));
			assertThat(event.ratio()).isGreaterThan(SETTINGS.threshold());
			assertThat(event.commands()).isGreaterThanOrEqualTo(1000);
		});
		workload(1000, "hot:{42}", 2000);
		this.detector.advance();
		assertThat(this.events).as("one event per slot becoming hot, not per evaluation").hasSize(1);
		assertThat(this.detector.alertsTotal()).isEqualTo(1);
		assertThat(this.detector.commandsTotal()).isEqualTo(4000);
	}

	@Test
	void keysOfAHotSlotAreSampledOnceItIsHot() {
		workload(1000, "hot:{42}", 2000);
		assertThat(this.detector.advance().hotSlots().get(0).topKeys()).as("not sampled before it was hot").isEmpty();
		workload(1000, "hot:{42}", 2000);
		send("other:{42}");
		List<KeyCount> top = this.detector.advance().hotSlots().get(0).topKeys();
		assertThat(top).first().satisfies((key) -> {
			assertThat(key.key()).isEqualTo("hot:{42}");
			assertThat(key.shareOfSlot()).isGreaterThan(0.9);
			assertThat(key.commands()).isGreaterThan(1000);
		});
		assertThat(top).extracting(KeyCount::key).contains("other:{42}");
	}

	@Test
	void aUniformWorkloadRaisesNoAlert() {
		for (int round = 0; round < 8; round++) {
			for (int i = 0; i < 5000; i++) {
				send("user:" + i);
			}
			assertThat(this.detector.advance().hotSlots()).isEmpty();
		}
		assertThat(this.events).isEmpty();
		assertThat(this.detector.hottestShare()).isLessThan(0.01);
	}

	@Test
	void fewCommandsRaiseNoAlert() {
		workload(40, "hot:{42}", 80);
		assertThat(this.detector.advance().hotSlots()).isEmpty();
		assertThat(this.events).isEmpty();
	}

	@Test
	void aSlotCoolsDownWhenItsTrafficLeavesTheWindowAndAlertsAgainWhenItReturns() {
		workload(1000, "hot:{42}", 2000);
		assertThat(this.detector.advance().hotSlots()).hasSize(1);
		HotSlotSnapshot snapshot = null;
		for (int bucket = 0; bucket < SETTINGS.buckets(); bucket++) {
			for (int i = 0; i < 2000; i++) {
				send("user:" + i);
			}
			snapshot = this.detector.advance();
		}
		assertThat(snapshot.hotSlots()).isEmpty();
		assertThat(snapshot.commands()).as("the hot bucket left the window").isEqualTo(2000L * SETTINGS.buckets());
		workload(1000, "hot:{42}", 2000);
		assertThat(this.detector.advance().hotSlots()).hasSize(1);
		assertThat(this.events).hasSize(2);
	}

	@Test
	void commandsWithoutAKeyAreNotCounted() {
		Command<String, String, String> ping = new Command<>(CommandType.PING, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8));
		this.detector.commandListener().commandStarted(event(ping));
		Command<String, String, String> bare = new Command<>(CommandType.PING, new StatusOutput<>(StringCodec.UTF8));
		this.detector.commandListener().commandStarted(event(bare));
		Command<String, String, String> setName = new Command<>(CommandType.CLIENT,
				new StatusOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).add("SETNAME").addKey("app"));
		this.detector.commandListener().commandStarted(event(setName));
		assertThat(this.detector.advance().commands()).isZero();
	}

	@Test
	void stringKeysCountAgainstTheSlotOfTheirUtf8Bytes() {
		Command<String, String, String> get = new Command<>(CommandType.GET, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).addKey("grüße:{ü}"));
		this.detector.commandListener().commandStarted(event(get));
		assertThat(this.detector.advance().hottestSlots()).singleElement()
			.extracting(SlotLoad::slot)
			.isEqualTo(this.keys.slot("grüße:{ü}"));
	}

	@Test
	void longAndBinaryKeysAreShownCutAndInHex() {
		HotSlotDetector detector = new HotSlotDetector(
				new HotSlotSettings(Duration.ofSeconds(1), 1, 2, 0, 3, 1, Duration.ofSeconds(1)), null, (event) -> {
				});
		String longKey = "{t}" + "x".repeat(300);
		byte[] binary = { '{', 't', '}', (byte) 0xff, (byte) 0xfe };
		for (int i = 0; i < 10; i++) {
			detector.commandListener().record(ByteBuffer.wrap(longKey.getBytes(StandardCharsets.UTF_8)));
		}
		for (int i = 1; i < 10; i++) {
			detector.commandListener().record(ByteBuffer.wrap(("k" + i).getBytes(StandardCharsets.UTF_8)));
		}
		assertThat(detector.advance().hotSlots()).hasSize(1);
		for (int i = 0; i < 10; i++) {
			detector.commandListener().record(ByteBuffer.wrap(longKey.getBytes(StandardCharsets.UTF_8)));
			detector.commandListener().record(ByteBuffer.wrap(binary));
		}
		for (int i = 1; i < 10; i++) {
			detector.commandListener().record(ByteBuffer.wrap(("k" + i).getBytes(StandardCharsets.UTF_8)));
		}
		List<KeyCount> top = detector.advance().hotSlots().get(0).topKeys();
		assertThat(top).extracting(KeyCount::key)
			.containsExactlyInAnyOrder(longKey.substring(0, HotSlotCounter.MAX_KEY_BYTES) + "…", "0x7b747dfffe");
	}

	@Test
	void recordLeavesTheKeyBufferAsItWas() {
		ByteBuffer key = ByteBuffer.wrap("a{b}c".getBytes(StandardCharsets.UTF_8));
		this.detector.commandListener().record(key);
		assertThat(key.position()).isZero();
		assertThat(key.limit()).isEqualTo(5);
	}

	@Test
	void infoFieldsAreReadByName() {
		Properties info = NodeInfo
			.parse("# Stats\r\ntotal_connections_received:4\r\ninstantaneous_ops_per_sec:1234\r\n");
		assertThat(HotSlotDetector.infoValue(info, "instantaneous_ops_per_sec")).isEqualTo(1234);
		assertThat(HotSlotDetector.infoValue(info, "used_memory")).isEqualTo(-1);
	}

	@Test
	void settingsOutOfRangeAreRejectedByName() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HotSlotSettings(Duration.ZERO, 10, 10, 0, 5, 16, Duration.ofSeconds(1)))
			.withMessageContaining("window");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HotSlotSettings(Duration.ofSeconds(1), 10, 1, 0, 5, 16, Duration.ofSeconds(1)))
			.withMessageContaining("threshold");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HotSlotSettings(Duration.ofMillis(5), 10, 10, 0, 5, 16, Duration.ofSeconds(1)))
			.withMessageContaining("buckets");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HotSlotSettings(Duration.ofSeconds(1), 10, 10, 0, 5, 0, Duration.ofSeconds(1)))
			.withMessageContaining("keySampleRate");
		assertThat(HotSlotSettings.defaults().bucket()).isEqualTo(Duration.ofSeconds(1));
	}

	private void workload(int hot, String hotKey, int total) {
		for (int i = 0; i < total; i++) {
			send((i < hot) ? hotKey : "user:" + i);
		}
	}

	private void send(String key) {
		Command<byte[], byte[], String> get = new Command<>(CommandType.GET,
				new StatusOutput<>(ByteArrayCodec.INSTANCE),
				new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key.getBytes(StandardCharsets.UTF_8)));
		this.detector.commandListener().commandStarted(event(get));
	}

	@SuppressWarnings("unchecked")
	private static CommandStartedEvent event(RedisCommand<?, ?, ?> command) {
		return new CommandStartedEvent((RedisCommand<Object, Object, Object>) command, System.currentTimeMillis());
	}

}
