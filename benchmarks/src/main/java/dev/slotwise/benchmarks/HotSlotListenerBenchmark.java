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
package dev.slotwise.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.slotwise.hotslot.HotSlotDetector;
import dev.slotwise.hotslot.HotSlotSettings;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client-side cost of hot-slot detection per command, with the listener on versus
 * off, in process: what Lettuce does for every command anyway (build the command, encode
 * it into a buffer) and, with the listener on, what it adds (a
 * {@link CommandStartedEvent}) plus Slotwise's part (slot, counter increment). See
 * {@link HotSlotRedisBenchmark} for the end-to-end figure against a real server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HotSlotListenerBenchmark {

	private static final int KEYS = 1024;

	/** Whether the hot-slot listener is registered. */
	@Param({ "off", "on" })
	public String listener;

	private final byte[][] keys = new byte[KEYS][];

	private final byte[] value = "a value of some forty bytes, like JSON.".getBytes(StandardCharsets.UTF_8);

	private final ByteBuf buffer = Unpooled.buffer(256);

	private HotSlotDetector detector;

	private boolean on;

	private int next;

	/** Keys, the detector and its thread. */
	@Setup(Level.Trial)
	public void setUp() {
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = ("user:{" + i + "}:profile").getBytes(StandardCharsets.UTF_8);
		}
		this.detector = new HotSlotDetector(HotSlotSettings.defaults(), null, (event) -> {
		});
		this.detector.start();
		this.on = "on".equals(this.listener);
	}

	/** Stop the detector's thread. */
	@TearDown(Level.Trial)
	public void tearDown() {
		this.detector.stop();
	}

	/**
	 * One SET as Lettuce handles it on the caller's thread.
	 * @return the encoded size, so nothing is optimised away
	 */
	@Benchmark
	@SuppressWarnings("unchecked")
	public int set() {
		byte[] key = this.keys[this.next++ & (KEYS - 1)];
		Command<byte[], byte[], String> command = new Command<>(CommandType.SET,
				new StatusOutput<>(ByteArrayCodec.INSTANCE),
				new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key).addValue(this.value));
		if (this.on) {
			this.detector.commandListener()
				.commandStarted(
						new CommandStartedEvent((RedisCommand<Object, Object, Object>) (RedisCommand<?, ?, ?>) command,
								System.currentTimeMillis()));
		}
		this.buffer.clear();
		command.encode(this.buffer);
		return this.buffer.writerIndex();
	}

	/**
	 * Only Slotwise's part: the listener's method on a ready event.
	 * @return nothing useful; keeps the call alive
	 */
	@Benchmark
	public int listenerOnly() {
		CommandStartedEvent event = this.events.get(this.next++ & (KEYS - 1));
		if (this.on) {
			this.detector.commandListener().commandStarted(event);
		}
		return this.next;
	}

	private final List<CommandStartedEvent> events = events();

	@SuppressWarnings("unchecked")
	private List<CommandStartedEvent> events() {
		List<CommandStartedEvent> events = new ArrayList<>(KEYS);
		for (int i = 0; i < KEYS; i++) {
			Command<byte[], byte[], String> command = new Command<>(CommandType.GET,
					new StatusOutput<>(ByteArrayCodec.INSTANCE), new CommandArgs<>(ByteArrayCodec.INSTANCE)
						.addKey(("user:{" + i + "}:profile").getBytes(StandardCharsets.UTF_8)));
			events.add(
					new CommandStartedEvent((RedisCommand<Object, Object, Object>) (RedisCommand<?, ?, ?>) command, 0));
		}
		return events;
	}

}
