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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link PeriodicTask}: the runner of every background job.
 */
class PeriodicTaskTests {

	private static final Duration SHORT = Duration.ofMillis(10);

	private final List<PeriodicTask> started = new CopyOnWriteArrayList<>();

	@AfterEach
	void stopAll() {
		this.started.forEach((task) -> task.stop(Duration.ofSeconds(5)));
	}

	@Test
	void runsAgainAndAgainOnANamedDaemonThread() {
		List<Thread> threads = new CopyOnWriteArrayList<>();
		PeriodicTask task = start(new PeriodicTask("slotwise-test", SHORT, () -> threads.add(Thread.currentThread())));
		await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() >= 3);
		assertThat(threads).allSatisfy((thread) -> {
			assertThat(thread.getName()).isEqualTo("slotwise-test");
			assertThat(thread.isDaemon()).isTrue();
		});
		assertThat(threads.stream().distinct()).as("one thread for every run").hasSize(1);
		assertThat(task.isRunning()).isTrue();
	}

	@Test
	void aRunThatThrowsDoesNotEndTheSchedule() {
		AtomicInteger runs = new AtomicInteger();
		start(new PeriodicTask("slotwise-test", SHORT, () -> {
			if (runs.incrementAndGet() <= 2) {
				throw new IllegalStateException("run " + runs.get() + " fails");
			}
		}));
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 4);
	}

	@Test
	void aFirstRunOfZeroRunsAtOnce() {
		AtomicInteger runs = new AtomicInteger();
		start(new PeriodicTask("slotwise-test", Duration.ZERO, Duration.ofHours(1), PeriodicTask.Pacing.FIXED_DELAY,
				runs::incrementAndGet));
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
	}

	@Test
	void atAFixedRateItRunsAgainAndAgain() {
		AtomicInteger runs = new AtomicInteger();
		start(new PeriodicTask("slotwise-test", SHORT, SHORT, PeriodicTask.Pacing.FIXED_RATE, runs::incrementAndGet));
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
	}

	@Test
	void stopWaitsForTheRunInProgressAndEndsTheSchedule() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean finished = new AtomicBoolean();
		AtomicInteger runs = new AtomicInteger();
		PeriodicTask task = start(new PeriodicTask("slotwise-test", SHORT, () -> {
			runs.incrementAndGet();
			running.countDown();
			awaitQuietly(release);
			finished.set(true);
		}));
		assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Boolean> stopped = CompletableFuture
			.supplyAsync(() -> task.stop(Duration.ofSeconds(30)) && finished.get());
		await().atMost(Duration.ofSeconds(5)).until(() -> !task.isRunning());
		assertThat(stopped).as("stop returns only when the run has ended").isNotDone();
		release.countDown();
		assertThat(stopped.get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(runs.get()).as("no run after stop").isOne();
	}

	@Test
	void stopGivesUpWaitingAfterItsTimeout() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		PeriodicTask task = start(new PeriodicTask("slotwise-test", SHORT, () -> {
			running.countDown();
			awaitQuietly(release);
		}));
		assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
		try {
			assertThat(task.stop(Duration.ofMillis(50))).as("the run is still in progress").isFalse();
			assertThat(task.isRunning()).isFalse();
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void isRunningFollowsStartAndStopAndATaskStartsAgain() {
		AtomicInteger runs = new AtomicInteger();
		PeriodicTask task = new PeriodicTask("slotwise-test", SHORT, runs::incrementAndGet);
		assertThat(task.isRunning()).isFalse();
		assertThat(task.stop(Duration.ofSeconds(1))).as("stopping a task never started").isTrue();
		start(task);
		task.start();
		assertThat(task.isRunning()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 1);
		assertThat(task.stop(Duration.ofSeconds(5))).isTrue();
		assertThat(task.isRunning()).isFalse();
		int afterStop = runs.get();
		task.start();
		assertThat(task.isRunning()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() > afterStop);
	}

	@Test
	void badTimesAreRejectedWithTheTasksName() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PeriodicTask("slotwise-test", Duration.ZERO, () -> {
		})).withMessageContaining("slotwise-test").withMessageContaining("interval");
		assertThatIllegalArgumentException().isThrownBy(() -> new PeriodicTask("slotwise-test", Duration.ofSeconds(-1),
				SHORT, PeriodicTask.Pacing.FIXED_DELAY, () -> {
				}))
			.withMessageContaining("slotwise-test")
			.withMessageContaining("firstRun");
	}

	private PeriodicTask start(PeriodicTask task) {
		this.started.add(task);
		task.start();
		return task;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
