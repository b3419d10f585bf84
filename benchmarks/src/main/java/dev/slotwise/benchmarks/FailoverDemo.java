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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A failover a person can watch: drives load against the running sample application,
 * stops one of its masters abruptly ({@code SHUTDOWN NOSAVE}, as a crash would), and
 * prints a per-second timeline — requests served, served degraded, failed; cart writes
 * written, buffered and replayed; the rate limiter's decisions — then writes it as a PNG.
 *
 * <pre>
 * ./mvnw -pl sample-app -am spring-boot:run        # in one terminal
 * java -cp benchmarks/target/benchmarks.jar dev.slotwise.benchmarks.FailoverDemo [url] [seconds] [png]
 * </pre>
 */
public final class FailoverDemo {

	private static final int SERVED = 0;

	private static final int FAILED = 1;

	private static final int WRITTEN = 2;

	private static final int BUFFERED = 3;

	private static final int ALLOWED = 4;

	private static final int LIMITED = 5;

	private static final int COLUMNS = 6;

	private FailoverDemo() {
	}

	public static void main(String[] args) throws Exception {
		String base = (args.length > 0) ? args[0] : "http://localhost:8080";
		int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 30;
		Path png = Path.of((args.length > 2) ? args[2] : "docs/images/demo-failover.png");
		int killAt = Math.min(10, seconds / 3);
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		String report = get(http, base + "/actuator/slotwise");
		Matcher master = Pattern.compile("\"masters\":\\[\\{\"id\":\"[0-9a-f]+\",\"address\":\"([^\"]+)\"")
			.matcher(report);
		if (!master.find()) {
			throw new IllegalStateException("No master in " + base + "/actuator/slotwise; is the sample running?");
		}
		String victim = master.group(1);
		AtomicLongArray counts = new AtomicLongArray(seconds * COLUMNS);
		long[] degraded = new long[seconds];
		long[] replayed = new long[seconds];
		AtomicBoolean running = new AtomicBoolean(true);
		long start = System.nanoTime();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			int lane = t;
			Thread thread = new Thread(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (running.get()) {
					int second = (int) ((System.nanoTime() - start) / 1_000_000_000L);
					if (second >= seconds) {
						break;
					}
					int choice = random.nextInt(10);
					try {
						if (choice < 7) {
							int status = status(http,
									HttpRequest.newBuilder(URI.create(base + "/products/" + random.nextInt(2000))));
							counts.incrementAndGet(second * COLUMNS + ((status == 200) ? SERVED : FAILED));
						}
						else if (choice < 9) {
							int status = status(http,
									HttpRequest.newBuilder(URI.create(base + "/users/" + random.nextInt(500) + "/cart"))
										.PUT(HttpRequest.BodyPublishers.ofString("item-" + random.nextInt(100))));
							counts.incrementAndGet(second * COLUMNS
									+ ((status == 200) ? WRITTEN : (status == 202) ? BUFFERED : FAILED));
						}
						else {
							int status = status(http, HttpRequest.newBuilder(URI.create(base + "/search?q=pear"))
								.header("X-Api-Key", "demo-" + lane));
							counts.incrementAndGet(second * COLUMNS
									+ ((status == 200) ? ALLOWED : (status == 429) ? LIMITED : FAILED));
						}
					}
					catch (Exception ex) {
						counts.incrementAndGet(second * COLUMNS + FAILED);
					}
				}
			}, "demo-" + t);
			thread.start();
			threads.add(thread);
		}
		System.out.printf("Load on %s; master %s stops at %d s%n%n", base, victim, killAt);
		System.out.println("  s  served  degraded  failed  written  buffered  replayed  search ok  search 429");
		long previousDegraded = meter(http, base, "slotwise.cache.degraded.reads");
		long previousReplayed = meter(http, base, "slotwise.write-buffer.replayed");
		for (int second = 0; second < seconds; second++) {
			long next = start + (second + 1) * 1_000_000_000L;
			if (second == killAt) {
				stop(victim);
			}
			while (System.nanoTime() < next) {
				Thread.sleep(Math.max(1, (next - System.nanoTime()) / 1_000_000));
			}
			long nowDegraded = meter(http, base, "slotwise.cache.degraded.reads");
			long nowReplayed = meter(http, base, "slotwise.write-buffer.replayed");
			degraded[second] = nowDegraded - previousDegraded;
			replayed[second] = nowReplayed - previousReplayed;
			previousDegraded = nowDegraded;
			previousReplayed = nowReplayed;
			System.out.printf("%3d %7d %9d %7d %8d %9d %9d %10d %11d%s%n", second,
					counts.get(second * COLUMNS + SERVED), degraded[second], counts.get(second * COLUMNS + FAILED),
					counts.get(second * COLUMNS + WRITTEN), counts.get(second * COLUMNS + BUFFERED), replayed[second],
					counts.get(second * COLUMNS + ALLOWED), counts.get(second * COLUMNS + LIMITED),
					(second == killAt) ? "   <- master stopped" : "");
		}
		running.set(false);
		for (Thread thread : threads) {
			thread.join();
		}
		chart(counts, degraded, replayed, seconds, killAt, png);
		System.out.println("\nPlot written to " + png);
	}

	private static void stop(String address) {
		int colon = address.lastIndexOf(':');
		RedisClient client = RedisClient
			.create(RedisURI.create(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().shutdown(false);
		}
		catch (RuntimeException ex) {
			// The node closes the connection as it exits.
		}
		finally {
			client.shutdown();
		}
	}

	private static int status(HttpClient http, HttpRequest.Builder request) throws Exception {
		return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	private static String get(HttpClient http, String url) throws Exception {
		return http
			.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static long meter(HttpClient http, String base, String name) {
		try {
			Matcher value = Pattern.compile("\"value\":([0-9.E]+)")
				.matcher(get(http, base + "/actuator/metrics/" + name));
			return value.find() ? (long) Double.parseDouble(value.group(1)) : 0;
		}
		catch (Exception ex) {
			return 0;
		}
	}

	private static void chart(AtomicLongArray counts, long[] degraded, long[] replayed, int seconds, int killAt,
			Path png) throws Exception {
		XYChart chart = new XYChartBuilder().width(900)
			.height(420)
			.title("The sample through a master crash (stopped at " + killAt + " s)")
			.xAxisTitle("seconds")
			.yAxisTitle("per second")
			.build();
		double[] x = new double[seconds];
		double[][] series = new double[5][seconds];
		for (int s = 0; s < seconds; s++) {
			x[s] = s;
			series[0][s] = counts.get(s * COLUMNS + SERVED);
			series[1][s] = degraded[s];
			series[2][s] = counts.get(s * COLUMNS + FAILED);
			series[3][s] = counts.get(s * COLUMNS + BUFFERED);
			series[4][s] = replayed[s];
		}
		String[] names = { "product reads served", "of which degraded", "failed requests", "cart writes buffered",
				"buffered writes replayed" };
		for (int i = 0; i < names.length; i++) {
			chart.addSeries(names[i], x, series[i]).setMarker(SeriesMarkers.NONE);
		}
		Files.createDirectories(png.toAbsolutePath().getParent());
		BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

}
