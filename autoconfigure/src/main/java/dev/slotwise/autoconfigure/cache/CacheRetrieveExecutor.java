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
package dev.slotwise.autoconfigure.cache;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run the cache's asynchronous lookups ({@code Cache.retrieve}): a
 * bounded pool of daemon threads named {@code slotwise-cache-N}, with a bounded queue;
 * when both are full the caller runs its lookup itself, which slows callers down instead
 * of dropping lookups or growing without bound. Shut down with the application context.
 *
 * <p>
 * Deliberately not an {@link Executor} bean: Spring Boot's own task executor backs off
 * when one exists, and this pool is for the cache alone.
 */
public final class CacheRetrieveExecutor {

	/** Lookups that may wait for a thread before callers run their own. */
	static final int QUEUE_CAPACITY = 10_000;

	private final ThreadPoolExecutor executor;

	/**
	 * Create the pool.
	 * @param threads how many threads (at least one)
	 */
	public CacheRetrieveExecutor(int threads) {
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(QUEUE_CAPACITY), (runnable) -> {
					Thread thread = new Thread(runnable, "slotwise-cache-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.CallerRunsPolicy());
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * The pool, as the cache uses it.
	 * @return the executor
	 */
	public Executor executor() {
		return this.executor;
	}

	/**
	 * How many threads the pool may run.
	 * @return the pool size
	 */
	public int threads() {
		return this.executor.getMaximumPoolSize();
	}

	/**
	 * Stop taking lookups; lookups already queued still run.
	 */
	public void shutdown() {
		this.executor.shutdown();
	}

	/**
	 * Whether the pool was shut down.
	 * @return whether it was
	 */
	public boolean isShutdown() {
		return this.executor.isShutdown();
	}

}
