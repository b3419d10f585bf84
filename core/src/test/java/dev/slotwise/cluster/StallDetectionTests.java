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

package dev.slotwise.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Stall detection without Redis: {@link NodeActivity}'s bookkeeping,
 * {@link StallDetection}'s threshold, and {@link SlotGuard#await} giving up on a silent
 * master.
 */
class StallDetectionTests {

	private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

	private final NodeActivity node = new NodeActivity();

	/** Every slot is served by the one master {@link #node}. */
	private final SlotHealth health = new SlotHealth(Duration.ofSeconds(30), Clock.systemUTC(), new SlotPeers() {

		@Override
		public void forEachPeer(int slot, java.util.function.IntConsumer action) {
		}

		@Override
		public NodeActivity activityOf(int slot) {
			return StallDetectionTests.this.node;
		}

	});

	private final SlotGuard guard = new SlotGuard(this.health, new StallDetection(true, Duration.ofMillis(20), 10));

	@Test
	void anIdleNodeIsNeverSilent() {
		long now = 1_000 * MS;
		assertThat(this.node.silentNanos(now)).isZero();
		long started = this.node.begin(now);
		this.node.answered(started, now + 2 * MS);
		assertThat(this.node.silentNanos(now + 500 * MS)).as("nothing in flight").isZero();
	}

	@Test
	void silenceRunsFromTheLaterOfTheLastAnswerAndTheStartOfTheWait() {
		long t = 1_000 * MS;
		long first = this.node.begin(t);
		assertThat(this.node.silentNanos(t + 30 * MS)).isEqualTo(30 * MS);
		this.node.begin(t + 35 * MS);
		this.node.answered(first, t + 40 * MS);
		assertThat(this.node.inFlight()).isOne();
		assertThat(this.node.silentNanos(t + 100 * MS)).as("since the answer at 40 ms").isEqualTo(60 * MS);
		this.node.heard(t + 90 * MS);
		assertThat(this.node.silentNanos(t + 100 * MS)).as("an abandoned command answered at 90 ms").isEqualTo(10 * MS);
	}

	@Test
	void theUsualAnswerTimeIsAMovingAverage() {
		long t = 0;
		for (int i = 0; i < 200; i++) {
			long started = this.node.begin(t);
			t += MS;
			this.node.answered(started, t);
		}
		assertThat(this.node.usualNanos()).isEqualTo(MS);
		long started = this.node.begin(t);
		this.node.answered(started, t + 161 * MS);
		assertThat(this.node.usualNanos()).as("one slow answer moves it by a sixteenth").isEqualTo(11 * MS);
	}

	@Test
	void theThresholdIsTheFloorOrAMultipleOfTheUsualAnswerTime() {
		StallDetection stalls = new StallDetection(true, Duration.ofMillis(25), 10);
		assertThat(stalls.thresholdNanos(0)).isEqualTo(25 * MS);
		assertThat(stalls.thresholdNanos(MS)).isEqualTo(25 * MS);
		assertThat(stalls.thresholdNanos(4 * MS)).isEqualTo(40 * MS);
		assertThat(stalls.thresholdNanos(Long.MAX_VALUE / 2)).isEqualTo(Long.MAX_VALUE);
		assertThatIllegalArgumentException().isThrownBy(() -> new StallDetection(true, Duration.ZERO, 10))
			.withMessageContaining("floor");
		assertThatIllegalArgumentException().isThrownBy(() -> new StallDetection(true, Duration.ofMillis(1), 0))
			.withMessageContaining("multiplier");
	}

	@Test
	void aCallerStopsWaitingForASilentMasterLongBeforeItsTimeout() {
		answeredOnceIn(MS);
		// A call has been waiting for 50 ms with no answer: the master is silent.
		this.node.begin(System.nanoTime() - 50 * MS);
		CompletableFuture<String> neverAnswered = new CompletableFuture<>();
		long start = System.nanoTime();
		assertThatExceptionOfType(SlotStalledException.class)
			.isThrownBy(() -> this.guard.await(7, neverAnswered, Duration.ofSeconds(30)))
			.withMessageContaining("slot 7");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		SlotCall<Object> outcome = this.guard.failed(7, new SlotStalledException("silent"));
		assertThat(outcome.reason()).isEqualTo(OutageReason.STALLED);
		assertThat(this.health.isFailing(7)).isTrue();
		neverAnswered.complete("late");
		assertThat(this.health.isSuspect(7)).as("the late answer clears the mark at once, not the 30 s probe")
			.isFalse();
	}

	@Test
	void aReplyThatIsThereIsTakenEvenFromASilentMaster() throws Exception {
		answeredOnceIn(MS);
		this.node.begin(System.nanoTime() - 50 * MS);
		assertThat(this.guard.await(7, CompletableFuture.completedFuture("here"), Duration.ofSeconds(30)))
			.isEqualTo("here");
		assertThat(this.health.isSuspect(7)).isFalse();
	}

	@Test
	void aMasterThatNeverAnsweredIsNotCountedAsStalled() {
		// Its first connection may still be opening: a caller waits its own timeout.
		this.node.begin(System.nanoTime() - 50 * MS);
		assertThatExceptionOfType(java.util.concurrent.TimeoutException.class)
			.isThrownBy(() -> this.guard.await(7, new CompletableFuture<>(), Duration.ofMillis(100)));
		assertThat(this.health.isSuspect(7)).isFalse();
	}

	@Test
	void withoutStallDetectionACallerWaitsItsTimeout() {
		SlotGuard patient = new SlotGuard(this.health);
		this.node.begin(System.nanoTime() - 50 * MS);
		assertThatExceptionOfType(java.util.concurrent.TimeoutException.class)
			.isThrownBy(() -> patient.await(7, new CompletableFuture<>(), Duration.ofMillis(100)));
	}

	@Test
	void noMasterIsStalledWhileAnotherBusyMasterIsAsSilent() {
		// Two masters, both with calls in flight for 50 ms and no answer: this process
		// (a pause, a starved CPU) is the likelier cause, so callers wait their timeout.
		ClusterTopology topology = new ClusterTopology();
		topology.update(List.of(master("a", 0, 99), master("b", 100, 199)));
		SlotHealth health = new SlotHealth(Duration.ofSeconds(30), Clock.systemUTC(), topology);
		SlotGuard guard = new SlotGuard(health, new StallDetection(true, Duration.ofMillis(20), 10));
		NodeActivity a = topology.activityOf(7);
		NodeActivity b = topology.activityOf(150);
		long now = System.nanoTime();
		for (NodeActivity node : List.of(a, b)) {
			node.answered(node.begin(now - 2 * MS), now - MS);
			node.begin(now - 50 * MS);
		}
		assertThatExceptionOfType(java.util.concurrent.TimeoutException.class)
			.isThrownBy(() -> guard.await(7, new CompletableFuture<>(), Duration.ofMillis(100)));
		assertThat(health.isSuspect(7)).isFalse();
		// b answers: it is a alone that is silent.
		b.answered(System.nanoTime() - MS, System.nanoTime());
		assertThatExceptionOfType(SlotStalledException.class)
			.isThrownBy(() -> guard.await(7, new CompletableFuture<>(), Duration.ofSeconds(30)));
	}

	private static RedisClusterNode master(String id, int from, int to) {
		RedisClusterNode node = new RedisClusterNode();
		node.setNodeId(id);
		node.setFlags(Set.of(RedisClusterNode.NodeFlag.UPSTREAM));
		node.setSlots(IntStream.rangeClosed(from, to).boxed().toList());
		return node;
	}

	private void answeredOnceIn(long nanos) {
		long now = System.nanoTime();
		long started = this.node.begin(now - nanos);
		this.node.answered(started, now);
	}

}
