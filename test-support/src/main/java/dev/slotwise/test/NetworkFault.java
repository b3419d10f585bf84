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
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

import dev.slotwise.test.NodeNetwork.Direction;

/**
 * One network fault as a value, so that a schedule can draw it, record it and apply it:
 * what a chaos soak needs from {@link NodeNetwork}. {@link #random(RandomGenerator)}
 * draws a fault and its parameters from a generator, so a seeded generator replays the
 * same faults; {@link #applyTo(NodeNetwork)} makes it so; {@link NodeNetwork#heal()} ends
 * it.
 *
 * <pre class="code">
 * RandomGenerator random = new SplittableRandom(seed);
 * NetworkFault fault = NetworkFault.random(random);
 * NodeNetwork network = cluster.network(node);
 * fault.applyTo(network);      // history.record("network " + node.name() + ": " + fault)
 * // ... later, on the schedule ...
 * network.heal();
 * </pre>
 *
 * Faults hit client connections only, as {@link NodeNetwork} does unless told
 * {@link NodeNetwork#includingReplication()}.
 */
public sealed interface NetworkFault {

	/**
	 * Make this fault on a node's network. Like the calls it stands for, a cut, a
	 * blackhole and a half-open replace one another, and a delay or a bandwidth limit
	 * adds to what is there.
	 * @param network the node's network
	 */
	void applyTo(NodeNetwork network);

	/**
	 * Draw a fault: each kind (cut, blackhole one way or both, half-open, delay,
	 * bandwidth limit) equally likely, with parameters drawn from the same generator.
	 * Delays are 20 to 500 ms with a jitter of up to a quarter of that; bandwidth limits
	 * are 8 KiB/s to 1 MiB/s, either way or both.
	 * @param random the generator; a seeded one gives the same faults in the same order
	 * @return the fault
	 */
	static NetworkFault random(RandomGenerator random) {
		Direction[] directions = Direction.values();
		return switch (random.nextInt(5)) {
			case 0 -> new Cut();
			case 1 -> new Blackhole(directions[random.nextInt(directions.length)]);
			case 2 -> new HalfOpen();
			case 3 -> {
				long latency = random.nextLong(20, 501);
				yield new Delay(directions[random.nextInt(directions.length)], Duration.ofMillis(latency),
						Duration.ofMillis(random.nextLong(0, latency / 4 + 1)));
			}
			default -> new Bandwidth(directions[random.nextInt(directions.length)],
					random.nextLong(8 * 1024, 1024 * 1024 + 1));
		};
	}

	/**
	 * Connections reset, new ones refused ({@link NodeNetwork#cut()}).
	 */
	record Cut() implements NetworkFault {

		@Override
		public void applyTo(NodeNetwork network) {
			network.cut();
		}

		@Override
		public String toString() {
			return "cut";
		}

	}

	/**
	 * Bytes held one way or both ({@link NodeNetwork#blackhole(Direction)}).
	 *
	 * @param direction which way
	 */
	record Blackhole(Direction direction) implements NetworkFault {

		/**
		 * Check the direction.
		 */
		public Blackhole {
			Objects.requireNonNull(direction, "direction must not be null");
		}

		@Override
		public void applyTo(NodeNetwork network) {
			network.blackhole(this.direction);
		}

		@Override
		public String toString() {
			return "blackhole " + this.direction.name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * Requests delivered, replies lost ({@link NodeNetwork#halfOpen()}).
	 */
	record HalfOpen() implements NetworkFault {

		@Override
		public void applyTo(NodeNetwork network) {
			network.halfOpen();
		}

		@Override
		public String toString() {
			return "half-open";
		}

	}

	/**
	 * Added latency ({@link NodeNetwork#delay(Direction, Duration, Duration)}).
	 *
	 * @param direction which way
	 * @param latency the added latency
	 * @param jitter the most it varies either way
	 */
	record Delay(Direction direction, Duration latency, Duration jitter) implements NetworkFault {

		/**
		 * Check the values.
		 */
		public Delay {
			Objects.requireNonNull(direction, "direction must not be null");
			if (latency.isNegative() || jitter.isNegative()) {
				throw new IllegalArgumentException(
						"latency and jitter must not be negative, not " + latency + " and " + jitter);
			}
		}

		@Override
		public void applyTo(NodeNetwork network) {
			network.delay(this.direction, this.latency, this.jitter);
		}

		@Override
		public String toString() {
			return "delay " + this.direction.name().toLowerCase(Locale.ROOT) + " " + this.latency.toMillis() + " ms ± "
					+ this.jitter.toMillis() + " ms";
		}

	}

	/**
	 * A bandwidth limit ({@link NodeNetwork#bandwidth(Direction, long)}).
	 *
	 * @param direction which way
	 * @param bytesPerSecond the limit, at least 1
	 */
	record Bandwidth(Direction direction, long bytesPerSecond) implements NetworkFault {

		/**
		 * Check the values.
		 */
		public Bandwidth {
			Objects.requireNonNull(direction, "direction must not be null");
			if (bytesPerSecond < 1) {
				throw new IllegalArgumentException("bytesPerSecond must be at least 1, not " + bytesPerSecond);
			}
		}

		@Override
		public void applyTo(NodeNetwork network) {
			network.bandwidth(this.direction, this.bytesPerSecond);
		}

		@Override
		public String toString() {
			return "bandwidth " + this.direction.name().toLowerCase(Locale.ROOT) + " " + this.bytesPerSecond + " B/s";
		}

	}

}
