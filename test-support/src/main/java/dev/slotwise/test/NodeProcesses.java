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

package dev.slotwise.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code redis-server} process started in this JVM, so that each is stopped by pid
 * when its cluster closes, when the JVM exits, or (for a JVM that was killed before its
 * shutdown hook ran) by the next cluster that starts in the same folder.
 *
 * <p>
 * Each cluster folder holds {@value #OWNER_FILE} (the pid of the JVM that owns it) and
 * {@value #PIDS_FILE} (one line per process started).
 */
final class NodeProcesses {

	static final String OWNER_FILE = "owner.pid";

	static final String PIDS_FILE = "redis.pids";

	private static final Logger logger = LoggerFactory.getLogger(NodeProcesses.class);

	private static final Set<ProcessHandle> started = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(NodeProcesses::killAll, "slotwise-redis-reaper"));
	}

	private NodeProcesses() {
	}

	/**
	 * Record this JVM (pid and start time, so that a reused pid is not taken for it) as
	 * the owner of a cluster folder.
	 */
	static void claim(Path clusterFolder) {
		ProcessHandle self = ProcessHandle.current();
		write(clusterFolder.resolve(OWNER_FILE), self.pid() + " " + startMillis(self) + "\n");
	}

	static void register(Path clusterFolder, ProcessHandle process) {
		started.add(process);
		write(clusterFolder.resolve(PIDS_FILE), process.pid() + "\n");
	}

	private static long startMillis(ProcessHandle process) {
		return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
	}

	static void kill(ProcessHandle process) {
		// SIGKILL ends a stopped (SIGSTOP) process too; nothing to do for one already
		// gone.
		process.destroyForcibly();
		try {
			process.onExit().get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("redis-server pid " + process.pid() + " did not exit after SIGKILL", ex);
		}
		finally {
			started.remove(process);
		}
	}

	static void signal(ProcessHandle process, String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("'kill -" + signal + " " + process.pid() + "' failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void killAll() {
		for (ProcessHandle process : List.copyOf(started)) {
			process.destroyForcibly();
		}
	}

	/**
	 * Stop the processes of cluster folders whose owning JVM is gone, then delete those
	 * folders.
	 * @param base the folder that holds cluster folders
	 */
	static void reapOrphans(Path base) {
		if (!Files.isDirectory(base)) {
			return;
		}
		try (DirectoryStream<Path> folders = Files.newDirectoryStream(base)) {
			for (Path folder : folders) {
				if (ownerAlive(folder)) {
					continue;
				}
				for (long pid : readPids(folder.resolve(PIDS_FILE))) {
					ProcessHandle.of(pid).filter(NodeProcesses::isRedisServer).ifPresent((orphan) -> {
						logger.warn("Stopping orphaned redis-server pid {} left by a JVM that is gone", pid);
						kill(orphan);
					});
				}
				Folders.deleteRecursively(folder);
			}
		}
		catch (IOException ex) {
			logger.warn("Could not look for orphaned redis-server processes in {}", base, ex);
		}
	}

	/**
	 * Whether the JVM that owns a folder still runs. A folder without an owner record is
	 * taken as owned while it is young: another JVM may be between creating it and
	 * claiming it.
	 */
	private static boolean ownerAlive(Path folder) {
		Path ownerFile = folder.resolve(OWNER_FILE);
		try {
			if (!Files.isRegularFile(ownerFile)) {
				long age = System.currentTimeMillis() - Files.getLastModifiedTime(folder).toMillis();
				return age < 60_000;
			}
			String[] owner = Files.readString(ownerFile).trim().split(" ");
			Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(owner[0]));
			return process.isPresent() && process.get().isAlive()
					&& (owner.length < 2 || startMillis(process.get()) == Long.parseLong(owner[1]));
		}
		catch (IOException | RuntimeException ex) {
			return true;
		}
	}

	private static boolean isRedisServer(ProcessHandle process) {
		return process.isAlive()
				&& process.info().command().map((command) -> command.contains("redis-server")).orElse(false);
	}

	private static List<Long> readPids(Path file) {
		try {
			if (!Files.isRegularFile(file)) {
				return List.of();
			}
			return Files.readAllLines(file)
				.stream()
				.map(String::trim)
				.filter((line) -> !line.isEmpty())
				.map(Long::valueOf)
				.toList();
		}
		catch (IOException | NumberFormatException ex) {
			return List.of();
		}
	}

	private static void write(Path file, String line) {
		try {
			Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
