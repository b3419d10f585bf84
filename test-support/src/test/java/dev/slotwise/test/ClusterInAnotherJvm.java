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

import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Starts a cluster, prints its node pids, and waits to be killed: the other JVM of
 * {@link JvmDeathTests}.
 */
public final class ClusterInAnotherJvm {

	private ClusterInAnotherJvm() {
	}

	public static void main(String[] args) throws InterruptedException {
		LocalRedisCluster cluster = LocalRedisCluster.builder().masters(3).replicasPerMaster(0).start();
		System.out.println("PIDS " + cluster.pids().stream().map(String::valueOf).collect(Collectors.joining(",")));
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
