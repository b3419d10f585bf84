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

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real {@link LocalRedisCluster}: test methods and lifecycle methods
 * may declare a {@link LocalRedisCluster} or {@link RedisCluster} parameter, and a Spring
 * test context ({@code @SpringBootTest}, {@code ApplicationContextRunner} aside) gets
 * {@code spring.data.redis.cluster.nodes} pointed at it.
 *
 * <p>
 * Before each test the cluster is healed (paused nodes resumed, killed nodes restarted,
 * health awaited) and, unless {@link #flushBeforeEach()} is {@code false}, emptied.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LocalRedisClusterExtension.class)
public @interface LocalRedisClusterTest {

	/**
	 * Whether test classes with the same settings share one cluster for the whole JVM
	 * ({@link Lifecycle#JVM}, the default and the fast choice) or this class gets its own
	 * ({@link Lifecycle#CLASS}, for tests that change the topology).
	 * @return the lifecycle
	 */
	Lifecycle lifecycle() default Lifecycle.JVM;

	/**
	 * How many masters.
	 * @return the number of masters
	 */
	int masters() default 3;

	/**
	 * How many replicas per master.
	 * @return the number of replicas per master
	 */
	int replicasPerMaster() default 1;

	/**
	 * The {@code cluster-node-timeout} in milliseconds.
	 * @return the node timeout
	 */
	long nodeTimeoutMillis() default 1000;

	/**
	 * Extra {@code redis.conf} lines for every node, for example
	 * {@code "cluster-require-full-coverage no"}.
	 * @return the lines
	 */
	String[] config() default {};

	/**
	 * Whether a TCP proxy stands in front of every node, so that a test can fault the
	 * network between the application and a node with
	 * {@link LocalRedisCluster#network(ClusterNode)} (see
	 * {@link LocalRedisCluster.Builder#networkFaults(boolean)}).
	 * @return whether to proxy every node
	 */
	boolean networkFaults() default false;

	/**
	 * Whether every key is removed before each test.
	 * @return whether to flush
	 */
	boolean flushBeforeEach() default true;

	/**
	 * How long a cluster lives.
	 */
	enum Lifecycle {

		/** One cluster per distinct settings, shared by every class in the JVM. */
		JVM,

		/** One cluster for this class, closed after its last test. */
		CLASS

	}

}
