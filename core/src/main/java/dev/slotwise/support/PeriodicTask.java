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
 * A task run on its own daemon thread, again and again: how every background job of
 * Slotwise (the cluster monitor's poll, hot-slot aggregation, the write buffer's replay)
 * runs off the request path. Runs are spaced by a fixed delay by default, or start at a
 * fixed rate ({@link Pacing}). A run that throws is logged and the task keeps its
 * schedule; {@link #stop(Duration)} lets a run in progress finish.
 *
 * <p>
 * Thread-safe; {@link #start()} and {@link #stop(Duration)} may be called repeatedly.
 */
public final class PeriodicTask {

	private static final Log logger = LogFactory.getLog(PeriodicTask.class);

	private final String name;

	private final Duration firstRun;

	private final Duration interval;

	private final Pacing pacing;

	private final Runnable task;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Create a task run with a fixed delay, first one interval after {@link #start()};
	 * nothing runs until then.
	 * @param name the name of its thread, also used in logs
	 * @param interval the delay between the end of one run and the start of the next
	 * (positive)
	 * @param task what to run
	 */
	public PeriodicTask(String name, Duration interval, Runnable task) {
		this(name, interval, interval, Pacing.FIXED_DELAY, task);
	}

	/**
	 * Create a task; nothing runs until {@link #start()}.
	 * @param name the name of its thread, also used in logs
	 * @param firstRun how long after {@link #start()} the first run starts (zero or
	 * positive)
	 * @param interval the time between runs (positive), as {@code pacing} says
	 * @param pacing whether the interval separates the end of a run from the start of the
	 * next, or the starts of two runs
	 * @param task what to run
	 */
	public PeriodicTask(String name, Duration firstRun, Duration interval, Pacing pacing, Runnable task) {
		this.name = Objects.requireNonNull(name, "name must not be null");
		if (interval.isZero() || interval.isNegative()) {
			throw new IllegalArgumentException(name + ": interval must be positive, was " + interval);
		}
		if (firstRun.isNegative()) {
			throw new IllegalArgumentException(name + ": firstRun must not be negative, was " + firstRun);
		}
		this.firstRun = firstRun;
		this.interval = interval;
		this.pacing = Objects.requireNonNull(pacing, "pacing must not be null");
		this.task = Objects.requireNonNull(task, "task must not be null");
	}

	/**
	 * Start running the task, first after the first-run delay (one interval unless
	 * given). Does nothing if running.
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
		long first = this.firstRun.toMillis();
		long millis = this.interval.toMillis();
		if (this.pacing == Pacing.FIXED_RATE) {
			executor.scheduleAtFixedRate(this::runSafely, first, millis, TimeUnit.MILLISECONDS);
		}
		else {
			executor.scheduleWithFixedDelay(this::runSafely, first, millis, TimeUnit.MILLISECONDS);
		}
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

	/**
	 * How runs are spaced.
	 */
	public enum Pacing {

		/**
		 * The interval separates the end of one run from the start of the next: a slow
		 * run delays every later one.
		 */
		FIXED_DELAY,

		/**
		 * Runs start one interval apart: after a slow run, the runs it held up start at
		 * once, one after the other, so that the count of runs keeps up with the clock.
		 */
		FIXED_RATE

	}

}
