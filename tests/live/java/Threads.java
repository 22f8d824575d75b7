// Test program: creates threads until the JVM cannot, prints what Java said, then holds them.
public class Threads {
    public static void main(String[] args) throws Exception {
        int n = 0;
        try {
            while (n < 100000) {
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep(600000);
                    } catch (InterruptedException e) {
                        // ends the thread
                    }
                });
                t.setDaemon(true);
                t.start();
                n++;
            }
            System.out.println("created " + n);
        } catch (OutOfMemoryError e) {
            System.out.println("created " + n);
            System.out.println("error " + e);
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.parseLong(args.length > 0 ? args[0] : "60") * 1000);
        System.exit(0);
    }
}
