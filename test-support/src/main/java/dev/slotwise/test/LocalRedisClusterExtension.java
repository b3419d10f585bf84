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

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 side of {@link LocalRedisClusterTest}: starts or reuses the cluster, heals
 * and flushes it before each test, injects it as a parameter, and closes class-scoped
 * clusters after the class.
 */
public class LocalRedisClusterExtension implements BeforeEachCallback, AfterAllCallback, ParameterResolver {

	@Override
	public void beforeEach(ExtensionContext context) {
		LocalRedisClusterTest settings = settings(context);
		LocalRedisCluster cluster = ClusterRegistry
			.obtain(ClusterRegistry.key(context.getRequiredTestClass(), settings));
		cluster.heal();
		if (settings.flushBeforeEach()) {
			cluster.flushAll();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (declaringClass(context.getRequiredTestClass()) == context.getRequiredTestClass()) {
			ClusterRegistry.release(key(context));
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == LocalRedisCluster.class || type == RedisCluster.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return ClusterRegistry
			.obtain(ClusterRegistry.key(extensionContext.getRequiredTestClass(), settings(extensionContext)));
	}

	private static ClusterRegistry.Key key(ExtensionContext context) {
		Class<?> declaring = declaringClass(context.getRequiredTestClass());
		return ClusterRegistry.key(declaring, declaring.getAnnotation(LocalRedisClusterTest.class));
	}

	private static LocalRedisClusterTest settings(ExtensionContext context) {
		return declaringClass(context.getRequiredTestClass()).getAnnotation(LocalRedisClusterTest.class);
	}

	/**
	 * The class that carries the annotation: the test class, a superclass, or, for a
	 * {@code @Nested} class, an enclosing class. Nested classes share its cluster.
	 */
	static Class<?> declaringClass(Class<?> testClass) {
		for (Class<?> candidate = testClass; candidate != null; candidate = candidate.getEnclosingClass()) {
			for (Class<?> type = candidate; type != null; type = type.getSuperclass()) {
				if (type.isAnnotationPresent(LocalRedisClusterTest.class)) {
					return type;
				}
			}
		}
		throw new ParameterResolutionException(testClass + " is not annotated with @LocalRedisClusterTest");
	}

}
