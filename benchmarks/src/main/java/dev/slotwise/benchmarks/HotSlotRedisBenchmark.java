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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.slotwise.hotslot.HotSlotDetector;
import dev.slotwise.hotslot.HotSlotSettings;
import dev.slotwise.test.LoopbackPorts;
import dev.slotwise.test.RedisServerBinary;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
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
 * SET/GET throughput against a real local {@code redis-server} (standalone, no
 * persistence) with the hot-slot listener registered on the Lettuce client versus not:
 * the whole cost, Lettuce's listener plumbing included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class HotSlotRedisBenchmark {

	private static final int KEYS = 1024;

	private static final int PIPELINE = 64;

	/** Whether the hot-slot listener is registered. */
	@Param({ "off", "on" })
	public String listener;

	private final byte[][] keys = new byte[KEYS][];

	private final byte[] value = "a value of some forty bytes, like JSON.".getBytes(StandardCharsets.UTF_8);

	private Process server;

	private Path folder;

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private HotSlotDetector detector;

	private int next;

	/**
	 * Start a redis-server and connect, with or without the listener.
	 * @throws IOException if the server cannot be started
	 */
	@Setup(Level.Trial)
	public void setUp() throws IOException {
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = ("user:{" + i + "}:profile").getBytes(StandardCharsets.UTF_8);
		}
		int port = LoopbackPorts.free();
		this.folder = Files.createTempDirectory("slotwise-bench");
		this.server = new ProcessBuilder(RedisServerBinary.find().path().toString(), "--port", String.valueOf(port),
				"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.folder.toString())
			.redirectErrorStream(true)
			.redirectOutput(this.folder.resolve("redis.log").toFile())
			.start();
		this.client = RedisClient
			.create(RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(Duration.ofSeconds(5)).build());
		this.detector = new HotSlotDetector(HotSlotSettings.defaults(), null, (event) -> {
		});
		if ("on".equals(this.listener)) {
			this.client.addListener(this.detector.commandListener());
		}
		this.detector.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try {
				this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
				break;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.onSpinWait();
			}
		}
	}

	/**
	 * Disconnect and stop the server.
	 * @throws InterruptedException if interrupted while the server stops
	 */
	@TearDown(Level.Trial)
	public void tearDown() throws InterruptedException {
		this.detector.stop();
		this.connection.close();
		this.client.shutdown();
		this.server.destroy();
		this.server.waitFor(10, TimeUnit.SECONDS);
	}

	/**
	 * One SET and one GET, waiting for each (latency-bound).
	 * @return the value read
	 */
	@Benchmark
	public byte[] syncSetGet() {
		byte[] key = this.keys[this.next++ & (KEYS - 1)];
		this.connection.sync().set(key, this.value);
		return this.connection.sync().get(key);
	}

	/**
	 * {@value #PIPELINE} SETs sent without waiting, then awaited (client-CPU-bound); one
	 * operation is the whole batch.
	 * @return whether all completed
	 */
	@Benchmark
	public boolean pipelinedSets() {
		List<RedisFuture<String>> futures = new ArrayList<>(PIPELINE);
		for (int i = 0; i < PIPELINE; i++) {
			futures.add(this.connection.async().set(this.keys[this.next++ & (KEYS - 1)], this.value));
		}
		return LettuceFutures.awaitAll(Duration.ofSeconds(5), futures.toArray(new RedisFuture[0]));
	}

}
