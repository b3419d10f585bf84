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
package dev.slotwise.support;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A task run on its own daemon thread with a fixed delay between runs: how every
 * background job of Slotwise (the cluster monitor's poll, hot-slot aggregation, the write
 * buffer's replay) runs off the request path. A run that throws is logged and the task
 * keeps its schedule; {@link #stop(Duration)} lets a run in progress finish.
 *
 * <p>
 * Thread-safe; {@link #start()} and {@link #stop(Duration)} may be called repeatedly.
 */
public final class PeriodicTask {

	private static final Log logger = LogFactory.getLog(PeriodicTask.class);

	private final String name;

	private final Duration interval;

	private final Runnable task;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Create a task; nothing runs until {@link #start()}.
	 * @param name the name of its thread, also used in logs
	 * @param interval the delay between the end of one run and the start of the next
	 * (positive)
	 * @param task what to run
	 */
	public PeriodicTask(String name, Duration interval, Runnable task) {
		this.name = Objects.requireNonNull(name, "name must not be null");
		if (interval.isZero() || interval.isNegative()) {
			throw new IllegalArgumentException(name + ": interval must be positive, was " + interval);
		}
		this.interval = interval;
		this.task = Objects.requireNonNull(task, "task must not be null");
	}

	/**
	 * Start running the task, first after one interval. Does nothing if running.
	 */
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, this.name);
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.interval.toMillis();
		executor.scheduleWithFixedDelay(this::runSafely, millis, millis, TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	private void runSafely() {
		try {
			this.task.run();
		}
		catch (RuntimeException ex) {
			logger.warn(this.name + " failed; it runs again in " + this.interval, ex);
		}
	}

	/**
	 * Stop scheduling runs and wait for a run in progress to end.
	 * @param await how long to wait for a run in progress
	 * @return whether no run is in progress any more
	 */
	public boolean stop(Duration await) {
		ScheduledExecutorService executor;
		synchronized (this) {
			executor = this.executor;
			this.executor = null;
		}
		if (executor == null) {
			return true;
		}
		executor.shutdown();
		try {
			return executor.awaitTermination(await.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Whether the task is scheduled.
	 * @return whether it runs
	 */
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
