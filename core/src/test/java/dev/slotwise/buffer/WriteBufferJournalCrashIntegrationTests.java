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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.slotwise.ClusterConnections;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The journal across a crash: a child JVM ({@link JournaledWriteStream}) writes a stream
 * of sets and deletes through a {@link WriteBuffer} with a journal while every master of
 * a real cluster is down, so that its writes are buffered and journaled; it is killed
 * with SIGKILL in the middle of the stream; a new buffer in this JVM opens the same
 * journal once the cluster is back, and every write the child acknowledged is in Redis.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS)
class WriteBufferJournalCrashIntegrationTests {

	private static final Log logger = LogFactory.getLog(WriteBufferJournalCrashIntegrationTests.class);

	private static final Pattern ACK = Pattern.compile("ack (\\d+)\\.");

	/** How many acknowledgements the child must have printed before it is killed. */
	private static final int ACKNOWLEDGED_BEFORE_KILL = 500;

	@Test
	void everyWriteAcknowledgedBeforeASigkillIsReplayedFromTheJournalAfterARestart(LocalRedisCluster cluster,
			@TempDir Path temporary) throws Exception {
		Path journalDirectory = temporary.resolve("journal");
		Path childErrors = temporary.resolve("child-stderr.log");
		List<ClusterNode> masters = cluster.masters();
		masters.forEach(cluster::kill);
		List<Long> acknowledged = new CopyOnWriteArrayList<>();
		List<String> otherLines = new CopyOnWriteArrayList<>();
		AtomicBoolean endOfOutput = new AtomicBoolean();
		Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), "-Xmx256m", JournaledWriteStream.class.getName(),
				journalDirectory.toString(), cluster.nodesProperty())
			.redirectError(childErrors.toFile())
			.start();
		Thread reader = new Thread(() -> readAcknowledgements(child, acknowledged, otherLines, endOfOutput),
				"child-stdout");
		reader.setDaemon(true);
		reader.start();
		LettuceConnectionFactory connectionFactory = null;
		WriteBufferJournal journal = null;
		WriteBuffer buffer = null;
		try {
			await("the child's acknowledgements (its stderr: " + childErrors + ")").atMost(Duration.ofSeconds(60))
				.until(() -> acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL || !child.isAlive());
			assertThat(child.isAlive()).as("the child runs until killed; its stderr: %s", childErrors).isTrue();
			// SIGKILL through the process handle: Process.destroyForcibly() also closes
			// this side of the child's stdout, and acknowledgements still in the pipe
			// were lost with it (the reader then took an older write for the last one
			// acknowledged).
			child.toHandle().destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
			await("the end of the child's output").atMost(Duration.ofSeconds(10)).untilTrue(endOfOutput);
			assertThat(otherLines).as("nothing rejected, no torn line but maybe the last").hasSizeLessThanOrEqualTo(1);
			assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
			long last = acknowledged.get(acknowledged.size() - 1);
			assertThat(acknowledged).as("printed in order, none missing").hasSize((int) last + 1);

			cluster.heal();
			connectionFactory = connect(cluster);
			StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
			assertThat(redis.keys("crash:*")).as("nothing reached Redis while the masters were down").isEmpty();
			journal = WriteBufferJournal.open(journalDirectory, Duration.ofMillis(20));
			assertThat(journal.recovered().records()).isNotEmpty();
			logger.info("The child acknowledged " + acknowledged.size() + " writes before SIGKILL; its journal holds "
					+ journal.recovered().records().size() + " pending write(s), " + journal.recovered().skippedBytes()
					+ " torn byte(s)");
			WriteBuffer replaying = new WriteBuffer(connectionFactory, new ClusterKeys(),
					new SlotGuard(new SlotHealth(Duration.ofMillis(200), Clock.systemUTC())),
					WriteBufferSettings.defaults(), Clock.systemUTC(), journal);
			buffer = replaying;
			replaying.start();
			await("the replay of the journal").atMost(Duration.ofSeconds(60)).until(() -> replaying.pending() == 0);

			// The write after the last acknowledged one may have been journaled
			// before the kill: its caller was never told, so either outcome is right.
			long inFlight = last + 1;
			Map<String, String> wrong = new TreeMap<>();
			lastWritePerKey(last).forEach((key, n) -> {
				String actual = redis.opsForValue().get(key);
				boolean right = Objects.equals(actual, JournaledWriteStream.value(n))
						|| (key.equals(JournaledWriteStream.key(inFlight))
								&& Objects.equals(actual, JournaledWriteStream.value(inFlight)));
				if (!right) {
					wrong.put(key, "last acknowledged write #" + n + " (" + JournaledWriteStream.value(n)
							+ "), Redis holds " + actual);
				}
			});
			assertThat(wrong).as("keys whose last acknowledged write is not in Redis").isEmpty();
			assertThat(replaying.dropped().values()).as("dropped").allMatch((count) -> count == 0);
			assertThat(replaying.rejected().values()).as("rejected").allMatch((count) -> count == 0);
		}
		finally {
			if (child.isAlive()) {
				child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			}
			if (buffer != null) {
				buffer.stop();
			}
			if (journal != null) {
				journal.close();
			}
			if (connectionFactory != null) {
				connectionFactory.destroy();
			}
		}
	}

	private static void readAcknowledgements(Process child, List<Long> acknowledged, List<String> otherLines,
			AtomicBoolean endOfOutput) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				Matcher ack = ACK.matcher(line);
				if (ack.matches()) {
					acknowledged.add(Long.parseLong(ack.group(1)));
				}
				else {
					otherLines.add(line);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			endOfOutput.set(true);
		}
	}

	private static Map<String, Long> lastWritePerKey(long last) {
		Map<String, Long> lastWrite = new HashMap<>();
		for (long n = 0; n <= last; n++) {
			lastWrite.put(JournaledWriteStream.key(n), n);
		}
		return lastWrite;
	}

	private static LettuceConnectionFactory connect(LocalRedisCluster cluster) {
		return ClusterConnections.tuned(cluster, Duration.ofMillis(500));
	}

}
