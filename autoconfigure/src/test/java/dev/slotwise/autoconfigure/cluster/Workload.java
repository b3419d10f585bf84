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

package dev.slotwise.autoconfigure.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Threads that write one key each in a loop and record every success and failure, so a
 * test can ask what callers saw while it broke the cluster.
 */
final class Workload implements AutoCloseable {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<Thread> threads = new ArrayList<>();

	private final Map<String, AtomicLong> successes = new ConcurrentHashMap<>();

	private final Map<String, ConcurrentLinkedQueue<String>> failures = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> lastSuccessNanos = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> longestCallNanos = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> firstSuccessAfterMark = new ConcurrentHashMap<>();

	private volatile long markNanos = Long.MAX_VALUE;

	Workload(StringRedisTemplate redis, List<String> keys) {
		for (String key : keys) {
			this.successes.put(key, new AtomicLong());
			this.failures.put(key, new ConcurrentLinkedQueue<>());
			this.lastSuccessNanos.put(key, new AtomicLong());
			this.longestCallNanos.put(key, new AtomicLong());
			this.firstSuccessAfterMark.put(key, new AtomicLong());
			Thread thread = new Thread(() -> {
				long i = 0;
				while (this.running.get()) {
					long start = System.nanoTime();
					try {
						redis.opsForValue().set(key, Long.toString(i++));
						this.successes.get(key).incrementAndGet();
						long end = System.nanoTime();
						this.lastSuccessNanos.get(key).set(end);
						if (start > this.markNanos) {
							this.firstSuccessAfterMark.get(key).compareAndSet(0, end);
						}
					}
					catch (RuntimeException ex) {
						this.failures.get(key).add(describe(ex));
					}
					this.longestCallNanos.get(key).accumulateAndGet(System.nanoTime() - start, Math::max);
				}
			}, "workload-" + key);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	/**
	 * Start timing: from now on, the first success of a call that started later is
	 * recorded for each key.
	 * @return the mark
	 */
	long mark() {
		this.firstSuccessAfterMark.values().forEach((value) -> value.set(0));
		this.markNanos = System.nanoTime();
		return this.markNanos;
	}

	/**
	 * The time from the mark to the end of the first successful call that started after
	 * it, if there was one yet.
	 */
	java.util.Optional<Duration> sinceMarkToFirstSuccess(String key) {
		long end = this.firstSuccessAfterMark.get(key).get();
		return (end == 0) ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos(end - this.markNanos));
	}

	long successes(String key) {
		return this.successes.get(key).get();
	}

	List<String> failures(String key) {
		return List.copyOf(this.failures.get(key));
	}

	long lastSuccessNanos(String key) {
		return this.lastSuccessNanos.get(key).get();
	}

	Duration longestCall(String key) {
		return Duration.ofNanos(this.longestCallNanos.get(key).get());
	}

	private static String describe(Throwable ex) {
		StringBuilder text = new StringBuilder(ex.toString());
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			text.append(" <- ").append(cause);
		}
		return text.toString();
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join(10_000);
		}
	}

}
