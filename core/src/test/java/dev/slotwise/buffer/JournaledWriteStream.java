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

package dev.slotwise.buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import dev.slotwise.ClusterConnections;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The child process of {@link WriteBufferJournalCrashIntegrationTests}: a
 * {@link WriteBuffer} with a journal that writes a numbered stream of sets and deletes
 * until it is killed, and prints {@code ack <n>.} on stdout once write {@code n} was
 * acknowledged ({@link WriteResult#WRITTEN} or {@link WriteResult#BUFFERED}), never
 * before.
 *
 * <p>
 * Arguments: the journal directory and the cluster's seed addresses, comma-separated. It
 * exits when its stdin closes, so that it never outlives the test JVM that started it.
 */
final class JournaledWriteStream {

	/** How many distinct keys the stream writes: every key is written many times. */
	static final int KEYS = 401;

	/** Every fifth write is a delete (401 and 5 are coprime: each key gets both). */
	private static final int DELETE_EVERY = 5;

	static final Duration TTL = Duration.ofMinutes(10);

	private JournaledWriteStream() {
	}

	/**
	 * The key of write {@code n}: 97 hash tags, so the writes spread over many slots.
	 * @param n the number of the write
	 * @return the key
	 */
	static String key(long n) {
		long index = n % KEYS;
		return "crash:{" + (index % 97) + "}:" + index;
	}

	/**
	 * The value write {@code n} sets.
	 * @param n the number of the write
	 * @return the value, or {@code null} if write {@code n} deletes its key
	 */
	static @Nullable String value(long n) {
		return (n % DELETE_EVERY == DELETE_EVERY - 1) ? null : "value " + n;
	}

	public static void main(String[] args) throws IOException {
		// Stdout carries the acknowledgements and nothing else: logs go to stderr.
		PrintStream out = System.out;
		System.setOut(System.err);
		Path journalDirectory = Path.of(args[0]);
		exitWhenStdinCloses(System.in);
		LettuceConnectionFactory connectionFactory = ClusterConnections.tuned(Arrays.asList(args[1].split(",")),
				Duration.ofMillis(500));
		WriteBufferSettings settings = new WriteBufferSettings(100_000, 64 * 1024 * 1024,
				WriteBufferSettings.Overflow.REJECT_NEW, Duration.ofMillis(50), 100, Duration.ofMillis(50),
				Duration.ofSeconds(1), Duration.ZERO);
		// A short probe interval: writes often take the direct path as a slot's probe.
		SlotGuard guard = new SlotGuard(new SlotHealth(Duration.ofMillis(20), Clock.systemUTC()));
		WriteBufferJournal journal = WriteBufferJournal.open(journalDirectory, Duration.ofMillis(20));
		WriteBuffer buffer = new WriteBuffer(connectionFactory, new ClusterKeys(), guard, settings, Clock.systemUTC(),
				journal);
		buffer.start();
		for (long n = 0; n < Long.MAX_VALUE; n++) {
			String value = value(n);
			WriteResult result = (value != null) ? buffer.set(key(n), value, TTL) : buffer.delete(key(n));
			if (result.acknowledged()) {
				out.println("ack " + n + ".");
				out.flush();
			}
			else {
				out.println("rejected " + n + " " + result + ".");
				out.flush();
			}
		}
	}

	private static void exitWhenStdinCloses(InputStream in) {
		Thread watcher = new Thread(() -> {
			try {
				while (in.read() >= 0) {
					// Nothing is sent; only the end of the stream matters.
				}
			}
			catch (IOException ex) {
				// Treated as the end.
			}
			Runtime.getRuntime().halt(3);
		}, "stdin-watcher");
		watcher.setDaemon(true);
		watcher.start();
	}

}
