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

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.slotwise.test.NetworkFault.Bandwidth;
import dev.slotwise.test.NetworkFault.Blackhole;
import dev.slotwise.test.NetworkFault.Cut;
import dev.slotwise.test.NetworkFault.Delay;
import dev.slotwise.test.NetworkFault.HalfOpen;
import dev.slotwise.test.NodeNetwork.Direction;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NetworkFault}: seeded draws replay, every kind comes up, and each fault sets the
 * proxy's faults as the {@link NodeNetwork} call it stands for.
 */
class NetworkFaultTests {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	// Never started: faults change its state, nothing listens.
	private final NodeProxy proxy = new NodeProxy("node-0", "127.0.0.1", 1, 2, this.group);

	private final NodeNetwork network = new NodeNetwork(new ClusterNode("node-0", "127.0.0.1", 1, "id"), this.proxy);

	@AfterEach
	void close() {
		this.proxy.close();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void theSameSeedDrawsTheSameFaults() {
		assertThat(draw(new SplittableRandom(17), 100)).isEqualTo(draw(new SplittableRandom(17), 100))
			.isNotEqualTo(draw(new SplittableRandom(18), 100));
	}

	@Test
	void everyKindAndEveryDirectionIsDrawnWithParametersInRange() {
		List<NetworkFault> faults = draw(new SplittableRandom(1), 500);
		assertThat(faults.stream().map(Object::getClass).distinct()).containsExactlyInAnyOrder(Cut.class,
				Blackhole.class, HalfOpen.class, Delay.class, Bandwidth.class);
		Set<Direction> blackholed = new HashSet<>();
		for (NetworkFault fault : faults) {
			if (fault instanceof Blackhole blackhole) {
				blackholed.add(blackhole.direction());
			}
			if (fault instanceof Delay delay) {
				assertThat(delay.latency()).isBetween(Duration.ofMillis(20), Duration.ofMillis(500));
				assertThat(delay.jitter()).isLessThanOrEqualTo(delay.latency().dividedBy(4));
			}
			if (fault instanceof Bandwidth bandwidth) {
				assertThat(bandwidth.bytesPerSecond()).isBetween(8L * 1024, 1024L * 1024);
			}
		}
		assertThat(blackholed).containsExactlyInAnyOrder(Direction.values());
	}

	@Test
	void eachFaultSetsWhatItsCallSets() {
		new Blackhole(Direction.REPLIES).applyTo(this.network);
		assertThat(this.proxy.faults().holds(Direction.REPLIES)).isTrue();
		assertThat(this.proxy.faults().holds(Direction.REQUESTS)).isFalse();
		new Delay(Direction.REQUESTS, Duration.ofMillis(100), Duration.ofMillis(10)).applyTo(this.network);
		assertThat(this.proxy.faults().requests().delayNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
		assertThat(this.proxy.faults().replies().delays()).isFalse();
		assertThat(this.proxy.faults().holds(Direction.REPLIES)).as("a delay adds to a blackhole").isTrue();
		new Bandwidth(Direction.BOTH, 4096).applyTo(this.network);
		assertThat(this.proxy.faults().replies().bytesPerSecond()).isEqualTo(4096);
		new HalfOpen().applyTo(this.network);
		assertThat(this.proxy.faults().mode()).isEqualTo(NodeProxy.Mode.HALF_OPEN);
		assertThat(this.proxy.faults().holds(Direction.REPLIES)).as("replaces the blackhole").isFalse();
		new Cut().applyTo(this.network);
		assertThat(this.proxy.faults().mode()).isEqualTo(NodeProxy.Mode.CUT);
		assertThat(Stream
			.of(new Cut(), new Blackhole(Direction.BOTH), new HalfOpen(),
					new Delay(Direction.REPLIES, Duration.ofMillis(30), Duration.ZERO),
					new Bandwidth(Direction.REQUESTS, 9))
			.map(Object::toString)).as("names a schedule's history can record")
			.containsExactly("cut", "blackhole both", "half-open", "delay replies 30 ms ± 0 ms",
					"bandwidth requests 9 B/s");
	}

	private static List<NetworkFault> draw(SplittableRandom random, int count) {
		return Stream.generate(() -> NetworkFault.random(random)).limit(count).toList();
	}

}
