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
package dev.slotwise.hotslot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lock-free ring of sampled keys: whole keys only, each sample read once.
 */
class KeySamplesTests {

	@Test
	void eachSampleIsReadOnce() {
		HotSlotCounter.KeySamples samples = new HotSlotCounter.KeySamples(8, 16);
		samples.offer(7, key("a"));
		samples.offer(9, key("bb"));
		List<String> read = new ArrayList<>();
		samples.drain((slot, key, length, truncated) -> read.add(slot + "=" + new String(key, 0, length)));
		assertThat(read).containsExactly("7=a", "9=bb");
		read.clear();
		samples.drain((slot, key, length, truncated) -> read.add(slot + "=" + new String(key, 0, length)));
		assertThat(read).isEmpty();
	}

	@Test
	void concurrentWritersNeverProduceATornKey() throws InterruptedException {
		HotSlotCounter.KeySamples samples = new HotSlotCounter.KeySamples(4, 32);
		AtomicBoolean running = new AtomicBoolean(true);
		CountDownLatch started = new CountDownLatch(2);
		List<Thread> writers = new ArrayList<>();
		for (char letter : new char[] { 'a', 'b' }) {
			ByteBuffer key = key(String.valueOf(letter).repeat(32));
			Thread writer = new Thread(() -> {
				started.countDown();
				while (running.get()) {
					samples.offer(letter, key);
				}
			});
			writer.setDaemon(true);
			writer.start();
			writers.add(writer);
		}
		started.await();
		List<String> bad = new ArrayList<>();
		int[] read = new int[1];
		while (read[0] < 2000) {
			samples.drain((slot, key, length, truncated) -> {
				read[0]++;
				String text = new String(key, 0, length, StandardCharsets.US_ASCII);
				if (!text.equals(String.valueOf((char) slot).repeat(32))) {
					bad.add(text);
				}
			});
		}
		running.set(false);
		for (Thread writer : writers) {
			writer.join();
		}
		assertThat(bad).isEmpty();
	}

	private static ByteBuffer key(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

}
